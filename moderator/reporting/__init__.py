"""Reports for the people around the moderators (docs/reporting.md).

- ``periods``: the reporting period (UK dates) and its weeks or months;
- ``governors``: the governors' report as a typed read model, :class:`~.governors.Figures`,
  counts only (no comment text, no pupil or poster names; staff named only when asked);
- ``charts``: its charts drawn with matplotlib (SVG for the web, PNG for the PDF);
- ``pdf``: the report as a PDF, each chart with its figures as a table beside it.
"""
