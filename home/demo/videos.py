"""Demo content: videos. (Filled in by the videos work.)"""


def load(home):
    return []
