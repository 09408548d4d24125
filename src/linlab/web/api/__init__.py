"""The JSON API of the site, mounted at ``/api/v1/`` (OpenAPI schema at ``/api/v1/openapi.json``).

Lessons, exercise variants and their grading, inline check questions, the learner's progress and due
reviews, for notebooks and other clients; authentication by API token (``Authorization: Bearer …``)
or by the site's session (with a CSRF token on unsafe methods).  The rules live in
:mod:`linlab.web.learning.actions`; the endpoints here parse, call one action and serialise.
``docs/api.md`` is the reader's guide.
"""
