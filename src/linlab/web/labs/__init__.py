"""The interactive labs: linear map, SVD read/write (with a MiniLM layer), LayerNorm in R³, room in high dimensions.

Each lab is a :class:`~linlab.web.labs.core.Lab` (``registry.LABS``): form fields, a ``compute`` that calls the
engine, templates for its form and result, and plotly figures drawn by ``static/labs/labs.js``.  Pages live at
``/labs/<slug>/``, the htmx/JSON endpoint at ``/labs/<slug>/compute/``, and a lesson embeds a lab with
``{% include "labs/panel.html" with lab=slug lesson=lesson %}``.
"""
