"""Demo content: policies. (Filled in by the policies work.)"""


def load(home):
    return []
