#!/usr/bin/env python3
"""Reference for the loop bench (cohort-bench --suite loops): OR-tools CP-SAT on an exact model.

  loops.py INSTANCE.json SECONDS [SCHEDULE.json] [--no-presolve]

With SCHEDULE.json, also writes the best schedule found in the format `cohort plan check` reads,
so that the bench can check CP-SAT's answer against the rules independently of this model.
`--no-presolve` turns CP-SAT's presolve off: on the 600-candidate weeks, presolve alone takes
the whole minute (on one core) and CP-SAT ends with no schedule at all, while without it the
search starts at once. The bench tries both and keeps the better.

Reads a loop-scheduling instance (the format of docs/planning.md) and maximises the weighted
number of candidates scheduled under every rule `cohort plan check` enforces (shadows aside).
Prints one JSON line: the best weighted count found, CP-SAT's own upper bound, whether it proved
optimality, and the seconds spent (building the model is not counted).

Model: per candidate a "scheduled" literal and one loop day and availability window; per
interview a start on the grid and, per eligible interviewer, an optional interval present when
that interviewer takes it; interviews of a loop chained by successor literals (each wait at most
the template's gap); per interviewer no overlap, availability windows, daily caps per UTC date and
a weekly cap.
"""
import argparse
import json
import time
from datetime import datetime, timezone

from ortools.sat.python import cp_model

DAY = 24 * 60


def minutes(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()) // 60


def keys(names):
    return {name.strip().lower() for name in names if name.strip()}


def instant(minute):
    return datetime.fromtimestamp(minute * 60, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(path, seconds, schedule_path=None, presolve=True):
    data = json.load(open(path))
    grid = data.get("grid_minutes", 15)
    days = sorted(
        int(datetime.fromisoformat(d).replace(tzinfo=timezone.utc).timestamp()) // 60
        for d in data["days"]
    )
    templates = data["templates"]
    people = data["interviewers"]
    for person in people:
        person["_qualified"] = keys(person.get("qualified", []))
        person["_available"] = [(minutes(a["start"]), minutes(a["end"])) for a in person.get("available", [])]
    index_of = {person["id"]: i for i, person in enumerate(people)}

    model = cp_model.CpModel()
    objective = []
    loops = []  # (candidate, scheduled literal, [(slot, start var, [(interviewer, take)])])
    per_interviewer = [[] for _ in people]  # (presence literal, interval, start var, day literals)
    day_usage = [dict() for _ in people]  # day -> list of literals

    for candidate in data["candidates"]:
        template = templates[candidate["track"]]
        slots = template["interviews"]
        gap = template.get("max_gap_minutes", 0)
        windows = [(minutes(a["start"]), minutes(a["end"])) for a in candidate.get("available", [])]
        excluded = {index_of[e] for e in candidate.get("exclude_interviewers", []) if e in index_of}
        scheduled = model.NewBoolVar("")
        objective.append(candidate.get("priority", 1) * scheduled)
        # Loop day and window: one pair, chosen when scheduled.
        choices = []
        for (w_start, w_end) in windows:
            for day in days:
                lo, hi = max(w_start, day), min(w_end, day + DAY + 24 * 60)
                total = sum(s["minutes"] for s in slots)
                if hi - lo >= total:
                    choices.append((model.NewBoolVar(""), day, lo, hi))
        if not choices:
            model.Add(scheduled == 0)
            continue
        model.Add(sum(c[0] for c in choices) == scheduled)
        horizon_lo = min(c[2] for c in choices)
        horizon_hi = max(c[3] for c in choices)
        starts, ends, intervals = [], [], []
        for slot in slots:
            start = model.NewIntVar(horizon_lo, horizon_hi, "")
            step = model.NewIntVar(horizon_lo // grid - 1, horizon_hi // grid + 1, "")
            model.Add(start == step * grid)
            end = start + slot["minutes"]
            for (literal, day, lo, hi) in choices:
                model.Add(start >= lo).OnlyEnforceIf(literal)
                model.Add(end <= hi).OnlyEnforceIf(literal)
                model.Add(start >= day).OnlyEnforceIf(literal)
                model.Add(start < day + DAY).OnlyEnforceIf(literal)
            starts.append(start)
            ends.append(end)
            intervals.append(model.NewOptionalIntervalVar(start, slot["minutes"], end, scheduled, ""))
        model.AddNoOverlap(intervals)
        # Chain: every interview but the last has a successor starting within the gap.
        count = len(slots)
        last = [model.NewBoolVar("") for _ in range(count)]
        model.Add(sum(last) == scheduled)
        successor = [[model.NewBoolVar("") if k != l else None for l in range(count)] for k in range(count)]
        for k in range(count):
            model.Add(sum(successor[k][l] for l in range(count) if l != k) + last[k] == scheduled)
            for l in range(count):
                if l != k:
                    model.Add(starts[l] >= ends[k]).OnlyEnforceIf(successor[k][l])
                    model.Add(starts[l] <= ends[k] + gap).OnlyEnforceIf(successor[k][l])
        for l in range(count):
            model.Add(sum(successor[k][l] for k in range(count) if k != l) <= 1)
        # Interviewers.
        taken_by = {}
        chosen = []
        loops.append((candidate, scheduled, chosen))
        for k, slot in enumerate(slots):
            need = keys(slot.get("requires", []))
            takers = []
            takers_of = []
            chosen.append((slot, starts[k], takers_of))
            for i, person in enumerate(people):
                if candidate["track"] not in person.get("tracks", []) or i in excluded:
                    continue
                if not need <= person["_qualified"]:
                    continue
                take = model.NewBoolVar("")
                takers.append(take)
                takers_of.append((person["id"], take))
                taken_by.setdefault(i, []).append(take)
                interval = model.NewOptionalIntervalVar(starts[k], slot["minutes"], ends[k], take, "")
                per_interviewer[i].append(interval)
                # Inside one of the interviewer's available intervals. Daily caps count by the
                # day the interview starts on: when the interval lies within one UTC day, the
                # interval's literal says which; otherwise the loop's day does (every interview
                # of a loop starts on it).
                inside = []
                spanning = []
                for (a_start, a_end) in person["_available"]:
                    if a_end - a_start < slot["minutes"]:
                        continue
                    literal = model.NewBoolVar("")
                    model.Add(starts[k] >= a_start).OnlyEnforceIf(literal)
                    model.Add(ends[k] <= a_end).OnlyEnforceIf(literal)
                    inside.append(literal)
                    first_day = a_start // DAY * DAY
                    if (a_end - slot["minutes"]) // DAY * DAY == first_day:
                        day_usage[i].setdefault(first_day, []).append(literal)
                    else:
                        spanning.append(literal)
                model.Add(sum(inside) == take) if inside else model.Add(take == 0)
                for within in spanning:
                    for (chosen_day, day, _, _) in choices:
                        both = model.NewBoolVar("")
                        model.AddBoolAnd([within, chosen_day]).OnlyEnforceIf(both)
                        model.AddBoolOr([within.Not(), chosen_day.Not()]).OnlyEnforceIf(both.Not())
                        day_usage[i].setdefault(day, []).append(both)
            model.Add(sum(takers) == scheduled) if takers else model.Add(scheduled == 0)
        for i, takes in taken_by.items():
            model.Add(sum(takes) <= 1)

    for i, person in enumerate(people):
        if per_interviewer[i]:
            model.AddNoOverlap(per_interviewer[i])
        if person.get("daily_cap") is not None:
            for day, literals in day_usage[i].items():
                model.Add(sum(literals) <= person["daily_cap"])
        if person.get("weekly_cap") is not None:
            everything = [lit for literals in day_usage[i].values() for lit in literals]
            if everything:
                model.Add(sum(everything) <= person["weekly_cap"])

    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.cp_model_presolve = presolve
    started = time.perf_counter()
    status = solver.Solve(model)
    spent = time.perf_counter() - started
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if schedule_path is not None:
        schedule = {"loops": [], "unscheduled": []}
        for candidate, scheduled, chosen in loops:
            if not found or not solver.Value(scheduled):
                schedule["unscheduled"].append({"candidate": candidate["id"], "reason": "not scheduled by CP-SAT"})
                continue
            interviews = []
            for slot, start, takers in chosen:
                begin = solver.Value(start)
                who = next(i for i, take in takers if solver.Value(take))
                interviews.append({"interviewer": who, "requires": slot.get("requires", []),
                                   "start": instant(begin), "end": instant(begin + slot["minutes"]),
                                   "shadow": None})
            interviews.sort(key=lambda i: i["start"])
            schedule["loops"].append({"candidate": candidate["id"], "day": interviews[0]["start"][:10],
                                      "interviews": interviews})
        json.dump(schedule, open(schedule_path, "w"))
    print(json.dumps({
        "value": int(round(solver.ObjectiveValue())) if found else 0,
        "bound": int(round(solver.BestObjectiveBound())) if found else None,
        "optimal": status == cp_model.OPTIMAL,
        "status": solver.StatusName(status),
        "seconds": spent,
    }))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="OR-tools CP-SAT on an exact loop-scheduling model")
    parser.add_argument("instance")
    parser.add_argument("seconds", type=float)
    parser.add_argument("schedule", nargs="?")
    parser.add_argument("--no-presolve", action="store_true")
    arguments = parser.parse_args()
    main(arguments.instance, arguments.seconds, arguments.schedule, not arguments.no_presolve)
