"""Demo content: notices. (Filled in by the notices work.)"""


def load(home):
    return []
