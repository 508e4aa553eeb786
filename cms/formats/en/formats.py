# English pages follow the same dd/mm/yyyy convention as Vietnamese ones.
from cms.formats.vi.formats import *  # noqa: F401,F403
