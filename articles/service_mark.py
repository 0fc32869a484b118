"""The story services' mark: guarded rows (articles.guard) may be written while it is set.

Private to the articles app: an import-linter contract (pyproject.toml, "only articles sets the story services'
mark") forbids every other app to import this module, so code outside articles can change stories only by calling
the services. Tests import it to build fixtures (tests/factories.test_setup_writes).
"""
from core.guard import ServiceMark

_mark = ServiceMark("inside_story_services")
# Mark a function as part of the story services: guarded rows may be written while it runs.
story_service = _mark
# `with service_writes():` — the same mark as a block, for the services' own helpers (and nothing else).
service_writes = _mark.block
inside_services = _mark.is_set
