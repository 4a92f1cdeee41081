"""One story per built-in routine: a runner goes through it on a fake clock.

Each story asserts the whole transcript: every phase start and end, every cue with its speech and
the moment it is due, and each phase's result. Times are seconds after the run was started. The
clock wakes the engine only when it asks (``next_wakeup``), as the app does.
"""

from __future__ import annotations

from engine_kit import T0, FakeRun, builtin_plan

from hiptimer.core.engine import Event, Status
from hiptimer.core.plan import Side
from hiptimer.core.results import Outcome, PhaseFinished, RunStatus


def _results_match_the_transcript(run: FakeRun) -> None:
    """RunFinished carries the result of every phase, as each PhaseFinished reported it."""
    finished = [e.result for e in run.effects if isinstance(e, PhaseFinished)]
    assert run.finished.results == tuple(finished)
    assert [r.index for r in finished] == list(range(len(run.plan.phases)))


def test_a_3_x_60_s_per_leg_hold_plays_switch_between_legs() -> None:
    """Pre-run hips, hands-free: paced bridges and swings, then three 60 s holds a leg; no key."""
    run = FakeRun(builtin_plan("pre-run-hips"))
    run.send(Event.START, 0)
    run.sleep_until(600)  # on the floor, hands busy: every phase ends by itself

    assert run.transcript() == [
        "0 cue get-ready 'knee to chest bridge'",
        "2 cue pip",
        "3 cue pip",
        "4 cue pip",
        "5 start #0 Knee-to-chest bridge left",
        "5 cue go 'knee to chest bridge, left leg'",
        "8 cue rep",
        "11 cue rep",
        "14 cue rep",
        "17 cue rep",
        "20 cue rep",
        "23 cue rep",
        "26 cue rep",
        "29 cue rep",
        "32 cue rep",
        "35 end #0 completed 30s reps 10/10",
        "35 start #1 Switch legs",
        "35 cue switch 'switch legs'",
        "37 cue pip",
        "38 cue pip",
        "39 cue pip",
        "40 end #1 completed 5s",
        "40 start #2 Knee-to-chest bridge right",
        "40 cue go 'knee to chest bridge, right leg'",
        "43 cue rep",
        "46 cue rep",
        "49 cue rep",
        "52 cue rep",
        "55 cue rep",
        "58 cue rep",
        "61 cue rep",
        "64 cue rep",
        "67 cue rep",
        "68.0981 cue say 'marching bridge, 10 reps'",
        "70 end #2 completed 30s reps 10/10",
        "70 start #3 Marching bridge",
        "70 cue go",
        "72 cue rep",
        "74 cue rep",
        "76 cue rep",
        "78 cue rep",
        "80 cue rep",
        "82 cue rep",
        "84 cue rep",
        "86 cue rep",
        "88 cue rep",
        "88.1011 cue say 'leg swings, left leg'",
        "90 end #3 completed 20s reps 10/10",
        "90 start #4 Swinging drill left",
        "90 cue go",
        "92 cue rep",
        "94 cue rep",
        "96 cue rep",
        "98 cue rep",
        "100 cue rep",
        "102 cue rep",
        "104 cue rep",
        "106 cue rep",
        "108 cue rep",
        "110 end #4 completed 20s reps 10/10",
        "110 start #5 Switch legs",
        "110 cue switch 'switch legs'",
        "112 cue pip",
        "113 cue pip",
        "114 cue pip",
        "115 end #5 completed 5s",
        "115 start #6 Swinging drill right",
        "115 cue go 'right leg'",
        "117 cue rep",
        "119 cue rep",
        "121 cue rep",
        "123 cue rep",
        "125 cue rep",
        "127 cue rep",
        "129 cue rep",
        "131 cue rep",
        "133 cue rep",
        "135 end #6 completed 20s reps 10/10",
        "135 start #7 Kneeling hip-flexor left",
        "135 cue hold 'kneeling hip flexor, set 1 of 3, left leg, 1 minute'",
        "165 cue halfway 'halfway'",
        "192 cue pip",
        "193 cue pip",
        "194 cue pip",
        "195 end #7 completed 60s",
        "195 start #8 Rest",
        "195 cue rest 'rest, 10 seconds'",
        "202 cue pip",
        "203 cue pip",
        "204 cue pip",
        "205 end #8 completed 10s",
        "205 start #9 Kneeling hip-flexor left",
        "205 cue hold 'kneeling hip flexor, set 2 of 3, left leg, 1 minute'",
        "235 cue halfway 'halfway'",
        "262 cue pip",
        "263 cue pip",
        "264 cue pip",
        "265 end #9 completed 60s",
        "265 start #10 Rest",
        "265 cue rest 'rest, 10 seconds'",
        "272 cue pip",
        "273 cue pip",
        "274 cue pip",
        "275 end #10 completed 10s",
        "275 start #11 Kneeling hip-flexor left",
        "275 cue hold 'kneeling hip flexor, set 3 of 3, left leg, 1 minute'",
        "305 cue halfway 'halfway'",
        "332 cue pip",
        "333 cue pip",
        "334 cue pip",
        "335 end #11 completed 60s",
        "335 start #12 Switch legs",
        "335 cue switch 'switch legs'",
        "342 cue pip",
        "343 cue pip",
        "344 cue pip",
        "345 end #12 completed 10s",
        "345 start #13 Kneeling hip-flexor right",
        "345 cue hold 'kneeling hip flexor, set 1 of 3, right leg, 1 minute'",
        "375 cue halfway 'halfway'",
        "402 cue pip",
        "403 cue pip",
        "404 cue pip",
        "405 end #13 completed 60s",
        "405 start #14 Rest",
        "405 cue rest 'rest, 10 seconds'",
        "412 cue pip",
        "413 cue pip",
        "414 cue pip",
        "415 end #14 completed 10s",
        "415 start #15 Kneeling hip-flexor right",
        "415 cue hold 'kneeling hip flexor, set 2 of 3, right leg, 1 minute'",
        "445 cue halfway 'halfway'",
        "472 cue pip",
        "473 cue pip",
        "474 cue pip",
        "475 end #15 completed 60s",
        "475 start #16 Rest",
        "475 cue rest 'rest, 10 seconds'",
        "482 cue pip",
        "483 cue pip",
        "484 cue pip",
        "485 end #16 completed 10s",
        "485 start #17 Kneeling hip-flexor right",
        "485 cue hold 'kneeling hip flexor, set 3 of 3, right leg, 1 minute'",
        "515 cue halfway 'halfway'",
        "542 cue pip",
        "543 cue pip",
        "544 cue pip",
        "545 end #17 completed 60s",
        "545 cue done 'session complete'",
        "545 run completed (18 results)",
    ]
    assert run.state.status is Status.FINISHED
    assert run.finished.status is RunStatus.COMPLETED
    _results_match_the_transcript(run)
    holds = [r for r in run.finished.results if r.label == "Kneeling hip-flexor"]
    assert [(r.side, r.set_index, r.set_count) for r in holds] == [
        (Side.LEFT, 1, 3),
        (Side.LEFT, 2, 3),
        (Side.LEFT, 3, 3),
        (Side.RIGHT, 1, 3),
        (Side.RIGHT, 2, 3),
        (Side.RIGHT, 3, 3),
    ]
    assert all(r.planned_seconds == r.actual_seconds == 60 for r in holds)
    paced = [r for r in run.finished.results if r.reps_target is not None]
    assert [(r.label, r.reps_done, r.reps_target, r.actual_seconds) for r in paced] == [
        ("Knee-to-chest bridge", 10, 10, 30),
        ("Knee-to-chest bridge", 10, 10, 30),
        ("Marching bridge", 10, 10, 20),
        ("Swinging drill", 10, 10, 20),
        ("Swinging drill", 10, 10, 20),
    ]
    assert all(r.outcome is Outcome.COMPLETED for r in run.finished.results)


def test_hill_sprints_walk_down_until_done_and_a_sprint_stopped_early() -> None:
    """Hill sprints, first week (4 repeats): the walk down lasts until done; 3 min rests between."""
    run = FakeRun(builtin_plan("hill-sprints"))
    assert len(run.plan.phases) == 11  # 4 x (sprint, walk down), 3 rests between
    run.send(Event.START, 0)
    run.press(Event.DONE, 62.5)  # at the bottom after the first walk down
    run.press(Event.DONE, 249)  # the second sprint stops after 6.5 s ("5-10 s")
    run.press(Event.DONE, 293)
    run.press(Event.DONE, 534.25)
    run.press(Event.DONE, 764.25)

    assert run.transcript() == [
        "0 cue get-ready 'get ready, sprint'",
        "7 cue pip",
        "8 cue pip",
        "9 cue pip",
        "10 start #0 Sprint uphill",
        "10 cue work 'repeat 1 of 4, sprint, 10 seconds'",
        "17 cue pip",
        "18 cue pip",
        "19 cue pip",
        "20 end #0 completed 10s",
        "20 start #1 Walk down",
        "20 cue easy 'walk down'",
        "62.5 end #1 completed 42.5s",
        "62.5 start #2 Rest",
        "62.5 cue rest 'rest, 3 minutes'",
        "232.5 cue soon 'sprint, in 10 seconds'",
        "239.5 cue pip",
        "240.5 cue pip",
        "241.5 cue pip",
        "242.5 end #2 completed 180s",
        "242.5 start #3 Sprint uphill",
        "242.5 cue work 'repeat 2 of 4, sprint, 10 seconds'",
        "249 end #3 ended-early 6.5s",
        "249 start #4 Walk down",
        "249 cue easy 'walk down'",
        "293 end #4 completed 44s",
        "293 start #5 Rest",
        "293 cue rest 'rest, 3 minutes'",
        "463 cue soon 'sprint, in 10 seconds'",
        "470 cue pip",
        "471 cue pip",
        "472 cue pip",
        "473 end #5 completed 180s",
        "473 start #6 Sprint uphill",
        "473 cue work 'repeat 3 of 4, sprint, 10 seconds'",
        "480 cue pip",
        "481 cue pip",
        "482 cue pip",
        "483 end #6 completed 10s",
        "483 start #7 Walk down",
        "483 cue easy 'walk down'",
        "534.25 end #7 completed 51.25s",
        "534.25 start #8 Rest",
        "534.25 cue rest 'rest, 3 minutes'",
        "704.25 cue soon 'sprint, in 10 seconds'",
        "711.25 cue pip",
        "712.25 cue pip",
        "713.25 cue pip",
        "714.25 end #8 completed 180s",
        "714.25 start #9 Sprint uphill",
        "714.25 cue last-one 'last one, sprint, 10 seconds'",
        "721.25 cue pip",
        "722.25 cue pip",
        "723.25 cue pip",
        "724.25 end #9 completed 10s",
        "724.25 start #10 Walk down",
        "724.25 cue easy 'walk down'",
        "764.25 end #10 completed 40s",
        "764.25 cue done 'session complete'",
        "764.25 run completed (11 results)",
    ]
    _results_match_the_transcript(run)
    results = run.finished.results
    assert [(r.round_index, r.round_count) for r in results if r.label == "Sprint uphill"] == [
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 4),
    ]
    walks = [r for r in results if r.label == "Walk down"]
    assert [r.planned_seconds for r in walks] == [None] * 4  # open: no planned time, the real one kept
    assert [r.actual_seconds for r in walks] == [42.5, 44, 51.25, 40]
    assert all(r.outcome.done for r in results)  # a sprint stopped early still counts as done


def test_hill_sprints_grow_with_the_progression_target() -> None:
    """At 8 repeats the plan has 8 sprints and 7 rests; only the last sprint says "last one"."""
    plan = builtin_plan("hill-sprints", {"repeats": 8})
    run = FakeRun(plan)
    run.send(Event.START, 0)
    walks = 0
    while not run.state.over:
        run.sleep_until(run.now - T0 + 1000)  # timed phases run out; a walk down waits for done
        walks += 1
        run.send(Event.DONE)
    lines = run.transcript()
    assert sum("start #" in line and "Sprint" in line for line in lines) == 8
    assert sum(" cue last-one " in line for line in lines) == 1
    assert walks == 8
    assert run.finished.status is RunStatus.COMPLETED


def test_backwards_running_ten_open_strides_with_a_pause_to_tie_a_shoe() -> None:
    """Running backwards: every stride and jog lasts until done; a pause is kept out of the time."""
    run = FakeRun(builtin_plan("backwards-running"))
    run.send(Event.START, 0)
    at = 10.0
    for stride in range(1, 11):
        at += 17.5 if stride == 7 else 20
        run.press(Event.DONE, at)  # at the end of the 100 ft
        if stride == 5:  # a shoelace on the fifth jog back
            run.press(Event.PAUSE, at + 10)
            run.press(Event.RESUME, at + 22)
            at += 12
        at += 25
        run.press(Event.DONE, at)  # back at the start

    lines = run.transcript()
    assert lines[:13] == [
        "0 cue get-ready 'get ready, run backwards'",
        "7 cue pip",
        "8 cue pip",
        "9 cue pip",
        "10 start #0 Run backwards",
        "10 cue work 'repeat 1 of 10, run backwards'",
        "30 end #0 completed 20s",
        "30 start #1 Jog forward",
        "30 cue easy 'jog forward'",
        "55 end #1 completed 25s",
        "55 start #2 Run backwards",
        "55 cue work 'repeat 2 of 10, run backwards'",
        "75 end #2 completed 20s",
    ]
    assert lines[31:49] == [
        "210 start #9 Jog forward",
        "210 cue easy 'jog forward'",
        "247 end #9 completed 25s paused 12s",
        "247 start #10 Run backwards",
        "247 cue work 'repeat 6 of 10, run backwards'",
        "267 end #10 completed 20s",
        "267 start #11 Jog forward",
        "267 cue easy 'jog forward'",
        "292 end #11 completed 25s",
        "292 start #12 Run backwards",
        "292 cue work 'repeat 7 of 10, run backwards'",
        "309.5 end #12 completed 17.5s",
        "309.5 start #13 Jog forward",
        "309.5 cue easy 'jog forward'",
        "334.5 end #13 completed 25s",
        "334.5 start #14 Run backwards",
        "334.5 cue work 'repeat 8 of 10, run backwards'",
        "354.5 end #14 completed 20s",
    ]
    assert lines[-8:] == [
        "424.5 start #18 Run backwards",
        "424.5 cue last-one 'last one, run backwards'",
        "444.5 end #18 completed 20s",
        "444.5 start #19 Jog forward",
        "444.5 cue easy 'jog forward'",
        "469.5 end #19 completed 25s",
        "469.5 cue done 'session complete'",
        "469.5 run completed (20 results)",
    ]
    # Only the get-ready pips: open steps have no countdown, no halfway.
    assert sum(line.endswith("cue pip") for line in lines) == 3
    assert len(lines) == 4 + 20 * 3 + 2
    _results_match_the_transcript(run)
    results = run.finished.results
    assert [r.actual_seconds for r in results[::2]] == [20, 20, 20, 20, 20, 20, 17.5, 20, 20, 20]
    assert [r.actual_seconds for r in results[1::2]] == [25] * 10
    assert results[9].paused_seconds == 12
    assert results[9].ended_at - results[9].started_at == 37


def test_strength_for_speed_counted_reps_by_presses_or_by_done() -> None:
    """Strength: reps counted by presses (a slip taken back), done with none (all), done at 7/10."""
    run = FakeRun(builtin_plan("strength-for-speed"))
    run.send(Event.START, 0)
    for k in range(3):  # mountain climbers: each press counts...
        run.press(Event.REP, 12 + 2 * k)
    run.press(Event.REP, 16.25)  # ...a double press, a slip...
    run.press(Event.UNDO_REP, 17)  # ...taken back
    for k in range(3, 10):  # the tenth press ends the step
        run.press(Event.REP, 12 + 2 * k)
    run.press(Event.DONE, 75)  # squats: done without presses
    for k in range(7):  # forward lunges: seven presses...
        run.press(Event.REP, 98 + 3 * k)
    run.press(Event.DONE, 120)  # ...and done: ended early at 7 of 10
    run.press(Event.DONE, 170)  # single-leg squats, left
    run.press(Event.DONE, 210)  # single-leg squats, right
    run.sleep_until(400)

    assert run.transcript() == [
        "0 cue get-ready 'get ready, mountain climbers'",
        "7 cue pip",
        "8 cue pip",
        "9 cue pip",
        "10 start #0 Mountain climbers",
        "10 cue go 'mountain climbers, 10 reps'",
        "30 end #0 completed 20s reps 10/10",
        "30 start #1 Rest",
        "30 cue rest 'rest, 20 seconds'",
        "47 cue pip",
        "48 cue pip",
        "49 cue pip",
        "50 end #1 completed 20s",
        "50 start #2 Squats",
        "50 cue go 'squats, 10 reps'",
        "75 end #2 completed 25s reps 10/10",
        "75 start #3 Rest",
        "75 cue rest 'rest, 20 seconds'",
        "92 cue pip",
        "93 cue pip",
        "94 cue pip",
        "95 end #3 completed 20s",
        "95 start #4 Forward lunges",
        "95 cue go 'forward lunges, 10 reps'",
        "120 end #4 ended-early 25s reps 7/10",
        "120 start #5 Rest",
        "120 cue rest 'rest, 20 seconds'",
        "137 cue pip",
        "138 cue pip",
        "139 cue pip",
        "140 end #5 completed 20s",
        "140 start #6 Single-leg squats left",
        "140 cue go 'single leg squats, left leg, 10 reps'",
        "170 end #6 completed 30s reps 10/10",
        "170 start #7 Switch legs",
        "170 cue switch 'switch legs'",
        "177 cue pip",
        "178 cue pip",
        "179 cue pip",
        "180 end #7 completed 10s",
        "180 start #8 Single-leg squats right",
        "180 cue go 'single leg squats, right leg, 10 reps'",
        "210 end #8 completed 30s reps 10/10",
        "210 start #9 Rest",
        "210 cue rest 'rest, 20 seconds'",
        "227 cue pip",
        "228 cue pip",
        "229 cue pip",
        "230 end #9 completed 20s",
        "230 start #10 Downward-facing Dog",
        "230 cue hold 'downward dog, 30 seconds'",
        "245 cue halfway 'halfway'",
        "257 cue pip",
        "258 cue pip",
        "259 cue pip",
        "260 end #10 completed 30s",
        "260 start #11 Rest",
        "260 cue rest 'rest, 10 seconds'",
        "267 cue pip",
        "268 cue pip",
        "269 cue pip",
        "270 end #11 completed 10s",
        "270 start #12 Toe-touches",
        "270 cue hold 'toe touches, 30 seconds'",
        "285 cue halfway 'halfway'",
        "297 cue pip",
        "298 cue pip",
        "299 cue pip",
        "300 end #12 completed 30s",
        "300 cue done 'session complete'",
        "300 run completed (13 results)",
    ]
    _results_match_the_transcript(run)
    lunges = run.finished.results[4]
    assert (lunges.outcome, lunges.reps_done, lunges.reps_target) == (Outcome.ENDED_EARLY, 7, 10)
