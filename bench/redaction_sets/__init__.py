"""Development sets for the transcript PHI redactor (issue 16, item 1), each written
differently: ``conversational_b``, ``conversational_c``, ``callcenter_d`` and
``international_written`` are seeded generators (spans recorded while the text is built),
``heldout_e`` and ``heldout_f`` are the third and fifth passes' held-out generators
(score them; read their misses last), ``heldout_g`` is a seventh held-out set written
blind (its author never read the redactor, its tests or the other generators' phrasings),
``heldout_h`` an eighth, also written blind (contact-center calls: reminders, lab lines,
billing, rides, switchboard, caregivers, member services, prior auth, telehealth,
non-emergency transport, dropped calls, interpreters; 70 % spoken, 30 % agent notes),
``heldout_i`` a ninth, also written blind (a hospital network's contact center in Europe and
North America: discharge follow-ups, vaccine line, transport, records release, parents,
neighbours, address changes, rebooking, bills, wrong numbers; 60 % spoken in two engine
styles, 40 % notes, CRM comments, tickets, scripts and forms),
``heldout_j`` a tenth, also written blind (US healthcare contact centers as other tools write
them: diarized engine output with formatted digits, voicemail transcripts, IVR/DTMF logs, SMS
and web chat, AI call summaries, faxes, scheduling audit trails; 60 % spoken, 40 % written),
``shared_dev`` is the shared dev set read as is.

    .venv/bin/python -m bench.redaction_sets --set conversational_b --out /tmp/cb.jsonl

Records are in the shared dev set's format (id, style, text, spans with eid, negatives,
words). Negative kinds add ORG_NAME (a publication, "a 501(c)3") to the shared ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    callcenter_d,
    conversational_b,
    conversational_c,
    heldout_e,
    heldout_f,
    heldout_g,
    heldout_h,
    heldout_i,
    heldout_j,
    international_written,
)

GENERATORS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    conversational_b.NAME: conversational_b.generate,
    conversational_c.NAME: conversational_c.generate,
    international_written.NAME: international_written.generate,
    callcenter_d.NAME: callcenter_d.generate,
    heldout_e.NAME: heldout_e.generate,
    heldout_f.NAME: heldout_f.generate,
    heldout_g.NAME: heldout_g.generate,
    heldout_h.NAME: heldout_h.generate,
    heldout_i.NAME: heldout_i.generate,
    heldout_j.NAME: heldout_j.generate,
}
