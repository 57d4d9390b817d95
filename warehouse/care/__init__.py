"""Customer care (客户关怀): the problem/solution knowledge base, inspections of dealers and repair stations, and
service-quality checks of calls and visits.

Nouns:
- **knowledge-base entry** (客户问题解决方案): a problem (model, part, symptom, cause) and its solution. Written by
  service agents and technicians (`kb.write`); a reviewer other than the author (`kb.review`) publishes it. Only
  published entries are suggested on tickets. Searched by words through `care_kb_token` (character bigrams of the
  Chinese text, lower-case words, and bigrams of the pinyin initials; see `rules.tokens` and docs/service.md).
- **checklist** (考核表): numbered items, each with a maximum score, for one target: a dealer, a station, a call or a
  visit. Never edited once written (a new checklist replaces it), so a recorded score keeps its meaning.
- **inspection** (巡查、考核): the customer supervisor scores a dealer or a station against a checklist (every item,
  0 … its maximum), with corrective actions (due date, follow-ups, closed once). Station scores feed the ranking.
- **station file**: the repairmen of an authorised repair station (`service_station`) and their training records.
- **service check** (监听、抽查): a call or a visit checked against the service standard (a call/visit checklist with
  a pass score); compliant when its score reaches the pass score. Compliance rate = compliant checks / checks.

Writes are use cases in `services.py` / `knowledge.py` (session first, keyword-only, flush, never commit); reads in
`queries.py`; month aggregates for the KPI pages in `kpis.py`.
"""
