"""Write operations of the PAR Index, one module per part of the work:

- `sets`: criteria sets — create, import/export (XLSX, JSON), clone, bands, lock;
- `rounds`: open a round, its schedule, deadline exceptions, appraisers by area;
- `sheets`: self-assessment, evidence, submission;
- `appraisal`: round 1 with flags, explanations, round 2;
- `publication`: compile, council approval, publication and recorded revisions;
- `recompute`: the derived totals of sheets and the metrics read from cchc.

Pages, the API, commands and tasks call these functions; each checks who may act.
"""
