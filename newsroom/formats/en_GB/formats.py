"""How Django itself prints instants for this locale: as the site does (core.timefmt). Input formats stay Django's."""
from core.timefmt import DJANGO_DATE_FORMAT, DJANGO_DATETIME_FORMAT, DJANGO_TIME_FORMAT

DATETIME_FORMAT = SHORT_DATETIME_FORMAT = DJANGO_DATETIME_FORMAT
DATE_FORMAT = SHORT_DATE_FORMAT = DJANGO_DATE_FORMAT
TIME_FORMAT = DJANGO_TIME_FORMAT
