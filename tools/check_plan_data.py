#!/usr/bin/env python3
"""Check data/plan/units.json and data/plan/tasks.json against the city's plan.

The seed is the scraped text of 十堰市促进3岁以下婴幼儿照护服务发展实施方案 (with its annex
联席会议制度). Exits 1 naming every problem found; on success prints the counts.

    tools/check_plan_data.py [--seed PATH] [--units PATH] [--tasks PATH]

Standard library only. The seed defaults to ../shared/seed/shiyan-under3-care-plan.txt relative to the
repository root (or $TUOYU_PLAN_SEED).
"""
import argparse
import datetime
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SEED = os.environ.get(
    'TUOYU_PLAN_SEED',
    os.path.join(ROOT, '..', 'shared', 'seed', 'shiyan-under3-care-plan.txt'))
MEMBER_COUNT = 19
NUMBER_RE = re.compile(r'^二\(([一二三四])\)(\d+)(?:\((\d+)\))?$')
CODE_RE = re.compile(r'^[a-z][a-z0-9_]*$')


def nows(s):
    """s without any whitespace (the seed is scraped: spaces and line breaks are not significant)."""
    return ''.join(s.split())


def load_json(path, problems):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problems.append('cannot load %s: %s' % (path, e))
        return None


def check_units(units, seed, problems):
    """Check the unit list; return {code: unit} (empty on a fatal shape problem)."""
    if not isinstance(units, list):
        problems.append('units.json: top level must be a list')
        return {}
    by_code = {}
    for i, u in enumerate(units):
        code = u.get('code')
        if not isinstance(code, str) or not CODE_RE.match(code):
            problems.append('units.json[%d]: bad code %r (snake_case expected)' % (i, code))
            continue
        if code in by_code:
            problems.append('units.json: duplicate code %s' % code)
        by_code[code] = u
        for key in ('name', 'full_name'):
            if not isinstance(u.get(key), str):
                problems.append('unit %s: %s must be a string' % (code, key))
        if not u.get('name'):
            problems.append('unit %s: empty name' % code)
        if not isinstance(u.get('member'), bool) or not isinstance(u.get('lead'), bool):
            problems.append('unit %s: member and lead must be booleans' % code)
        if not isinstance(u.get('duties'), list):
            problems.append('unit %s: duties must be a list' % code)
        else:
            for d in u['duties']:
                if not isinstance(d, str) or nows(d) not in seed:
                    problems.append('unit %s: duty not found in the seed: %.40s' % (code, d))

    members = [u for u in units if u.get('member') is True]
    if len(members) != MEMBER_COUNT:
        problems.append('%d member units, %d expected' % (len(members), MEMBER_COUNT))
    first_other = next((i for i, u in enumerate(units) if u.get('member') is not True), len(units))
    if any(u.get('member') is True for u in units[first_other:]):
        problems.append('units.json: member units must come first, in the plan\'s order')

    m = re.search(r'联席会议由(.*?)等单位组成', seed)
    if not m:
        problems.append('seed: the 成员单位 sentence (联席会议由…等单位组成) was not found')
    else:
        sentence, pos = m.group(1), 0
        for u in members:
            at = sentence.find(nows(u.get('name', '')), pos)
            if at < 0:
                problems.append('member %s (%s) not found in the 成员单位 sentence after position %d'
                                % (u.get('code'), u.get('name'), pos))
            else:
                pos = at + len(nows(u['name']))
        if len(sentence.split('、')) != len(members):
            problems.append('the 成员单位 sentence names %d units, units.json has %d members'
                            % (len(sentence.split('、')), len(members)))

    leads = [u.get('code') for u in units if u.get('lead') is True]
    if leads != ['health_commission'] or by_code.get('health_commission', {}).get('name') != '市卫健委':
        problems.append('exactly one lead unit expected (health_commission, 市卫健委); got %s' % leads)
    if '市卫健委为牵头部门' not in seed:
        problems.append('seed: 市卫健委为牵头部门 not found')
    return by_code


def parenthesis_after(seed, start):
    """The '(牵头单位:…)' that follows a task's text in the seed, or None."""
    if not seed.startswith('(牵头单位:', start):
        return None
    end = seed.find(')', start)
    return seed[start + 1:end] if end > 0 else None


def split_names(part):
    return [n for n in re.split(r'[,、;]', part) if n]


def check_tasks(tasks, by_code, seed, problems):
    if not isinstance(tasks, list):
        problems.append('tasks.json: top level must be a list')
        return
    names_of = {}
    for code, u in by_code.items():
        names_of[code] = {nows(u.get('name', ''))} | {nows(a) for a in u.get('aliases', [])}
    seen, last_pos = set(), -1
    for i, t in enumerate(tasks):
        num = t.get('number')
        label = 'task %s' % num if num else 'tasks.json[%d]' % i
        if not isinstance(num, str) or not NUMBER_RE.match(num):
            problems.append('%s: number does not follow 二(一)1 / 二(二)2(1)' % label)
        if num in seen:
            problems.append('%s: duplicate number' % label)
        seen.add(num)

        text = t.get('text')
        pos = seed.find(nows(text)) if isinstance(text, str) and text else -1
        if pos < 0:
            problems.append('%s: text not found in the seed' % label)
        else:
            if pos <= last_pos:
                problems.append('%s: out of the plan\'s order' % label)
            last_pos = pos
            if not isinstance(t.get('section'), str) or nows(t['section']) not in seed[:pos]:
                problems.append('%s: section title not found before the task in the seed' % label)

        for key in ('lead_units', 'responsible_units'):
            codes = t.get(key)
            if not isinstance(codes, list):
                problems.append('%s: %s must be a list' % (label, key))
                t[key] = []
                continue
            for c in codes:
                if c not in by_code:
                    problems.append('%s: unknown unit code %r in %s' % (label, c, key))
        if not t['lead_units']:
            problems.append('%s: no lead unit' % label)

        # The units must be the ones the plan's parenthesis names, lead before 责任单位, in order.
        paren = parenthesis_after(seed, pos + len(nows(text))) if pos >= 0 else None
        if pos >= 0 and paren is None:
            problems.append('%s: no (牵头单位:…) parenthesis right after the text in the seed' % label)
        elif paren is not None:
            lead_part, _, resp_part = paren[len('牵头单位:'):].partition('责任单位:')
            for key, part in (('lead_units', lead_part), ('responsible_units', resp_part)):
                want = split_names(part)
                got = t[key]
                ok = len(want) == len(got) and all(
                    c in names_of and w in names_of[c] for w, c in zip(want, got))
                if not ok:
                    problems.append('%s: %s %s do not match the plan\'s %s'
                                    % (label, key, got, '、'.join(want)))

        d, dt = t.get('deadline'), t.get('deadline_text')
        if d is None:
            if dt is not None:
                problems.append('%s: deadline_text without deadline' % label)
        else:
            try:
                day = datetime.date.fromisoformat(d)
            except (TypeError, ValueError):
                problems.append('%s: deadline %r is not a YYYY-MM-DD date' % (label, d))
                day = None
            if not isinstance(dt, str) or not isinstance(text, str) or dt not in text:
                problems.append('%s: deadline_text must quote the task text' % label)
            elif day and str(day.year) not in dt:
                problems.append('%s: deadline %s does not match %s' % (label, d, dt))

    in_seed = seed.count('(牵头单位:')
    if in_seed != len(tasks):
        problems.append('the seed has %d (牵头单位:…) items, tasks.json has %d tasks' % (in_seed, len(tasks)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seed', default=DEFAULT_SEED)
    ap.add_argument('--units', default=os.path.join(ROOT, 'data', 'plan', 'units.json'))
    ap.add_argument('--tasks', default=os.path.join(ROOT, 'data', 'plan', 'tasks.json'))
    args = ap.parse_args()

    problems = []
    try:
        with open(args.seed, encoding='utf-8') as f:
            seed = nows(f.read())
    except OSError as e:
        print('check_plan_data: cannot read the seed: %s' % e, file=sys.stderr)
        return 1
    units = load_json(args.units, problems)
    tasks = load_json(args.tasks, problems)
    if units is not None and tasks is not None:
        by_code = check_units(units, seed, problems)
        check_tasks(tasks, by_code, seed, problems)
    if problems:
        for p in problems:
            print('check_plan_data: %s' % p, file=sys.stderr)
        print('check_plan_data: %d problem(s)' % len(problems), file=sys.stderr)
        return 1
    print('plan data ok: %d member units, %d units, %d tasks, %d with a deadline'
          % (sum(1 for u in units if u['member']), len(units), len(tasks),
             sum(1 for t in tasks if t.get('deadline'))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
