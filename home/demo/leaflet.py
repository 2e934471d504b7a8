"""Demo content: leaflet. (Filled in by the leaflet work.)"""


def load(home):
    return []
