"""Field service (维修服务): the hotline's tickets, dispatch with time limits, the technician's visit, charged
repairs, hand-offs to other departments, callbacks, the technicians' vans and the first service KPIs.

Nouns: `Ticket` (one logged problem: customer, unit, kind, category, its clocks and state), `TicketEvent` (the
history: logged, dispatched, reassigned, arrived, completed, callback, reopened, hand-off, answer, quote, payment),
`Assignment` (who holds the job, one row per (re)assignment), `TicketPart` (a part issued from a van for the job,
one ledger move each), `Callback` (回访), `Handoff` (a question to a department and its answer), `Payment`,
`Station` (an authorised repair station, 特约维修点), `TechnicianProfile` (region, skills), `DueRule` (contact
and reach limits per kind, priority and region), `RefillRequest`/`RefillLine` (van refills reviewed by a manager).

Invariants:
- The clocks (`contact_by`, `due_at`) are set at the first dispatch and never move on a reassignment; the KPI reads
  `due_at` and the first arrival (`arrived_at`), so a reassigned or reopened job is measured once.
- A step is accepted only in its state (rules.ALLOWED): arrive after dispatch, complete after arrival, callback
  after completion. A refused step writes nothing (the caller's transaction rolls back).
- Parts used are ledger moves from the assignee's van (`V-<USERNAME>`, a stock-holding location of the NEW store) to
  the customer; a van holds what it was given, never less than zero.

Writers: service agents (tickets, dispatch, hand-offs, callbacks), technicians (arrive, complete, quote, payment on
their own jobs; refill requests), managers (refill review, due rules), departments (hand-off answers, through an
agent).
"""
