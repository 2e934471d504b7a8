"""Demo content: pages. (Filled in by the pages work.)"""


def load(home):
    return []
