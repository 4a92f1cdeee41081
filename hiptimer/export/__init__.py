"""Sessions on a watch: today's plan out as a FIT workout, the recorded activity back in.

May import the core, catalog and history; knows no screen (the app calls it, never the reverse).

:mod:`~hiptimer.export.program` turns a plan into watch steps (pure); :mod:`~hiptimer.export.fit_workout`
writes them with fit-tool; :mod:`~hiptimer.export.fit_activity` reads an activity file with Garmin's
FIT SDK; :mod:`~hiptimer.export.matching` maps its laps to the plan's phases (pure);
:mod:`~hiptimer.export.commands` is ``hiptimer export`` and ``hiptimer import``.
The FIT libraries are the optional ``fit`` extra, imported only when a file is written or read.
"""
