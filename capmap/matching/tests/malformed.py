"""Malformed instances, each with the message that must name what is wrong (shared by the
engine and command tests)."""


def valid():
    return {
        "applicants": [
            {"id": "a1", "preferences": ["p2", "p1"]},
            {"id": "a2", "preferences": ["p1"]},
        ],
        "placements": [
            {"id": "p1", "capacity": 2, "priority": ["a1", "a2"]},
            {"id": "p2", "capacity": 0, "priority": []},
        ],
    }


def broken(change):
    data = valid()
    change(data)
    return data


# Each malformed instance with the message that names what is wrong.
MALFORMED = {
    "not an object": (
        [],
        'the instance must be a JSON object with "applicants" and "placements" lists',
    ),
    "missing applicants": ({"placements": []}, 'the instance has no "applicants" list'),
    "missing placements": ({"applicants": []}, 'the instance has no "placements" list'),
    "applicants not a list": (
        {"applicants": {"a1": []}, "placements": []},
        'the instance: "applicants" must be a list, not an object',
    ),
    "applicant not an object": (
        broken(lambda d: d["applicants"].append("a3")),
        "applicants[2] must be an object, not a string",
    ),
    "applicant without id": (
        broken(lambda d: d["applicants"][1].pop("id")),
        'applicants[1] has no "id"',
    ),
    "id not a string": (
        broken(lambda d: d["placements"][0].update(id=7)),
        'placements[0]: "id" must be a non-empty string',
    ),
    "duplicate applicant id": (
        broken(lambda d: d["applicants"].append({"id": "a1", "preferences": []})),
        'applicant "a1" appears twice (applicants[0] and applicants[2])',
    ),
    "duplicate placement id": (
        broken(lambda d: d["placements"].append({"id": "p2", "capacity": 1, "priority": []})),
        'placement "p2" appears twice (placements[1] and placements[2])',
    ),
    "unknown placement": (
        broken(lambda d: d["applicants"].append({"id": "a7", "preferences": ["p99"]})),
        'applicant "a7": preference "p99" is not a placement',
    ),
    "unknown applicant": (
        broken(lambda d: d["placements"][0]["priority"].append("a9")),
        'placement "p1": priority "a9" is not an applicant',
    ),
    "duplicate preference": (
        broken(lambda d: d["applicants"][0]["preferences"].append("p2")),
        'applicant "a1": preference "p2" is listed twice',
    ),
    "duplicate priority": (
        broken(lambda d: d["placements"][0]["priority"].append("a1")),
        'placement "p1": priority "a1" is listed twice',
    ),
    "missing preferences": (
        broken(lambda d: d["applicants"][1].pop("preferences")),
        'applicant "a2" has no "preferences" list',
    ),
    "preferences not a list": (
        broken(lambda d: d["applicants"][1].update(preferences="p1")),
        'applicant "a2": "preferences" must be a list, not a string',
    ),
    "preference not a string": (
        broken(lambda d: d["applicants"][0].update(preferences=["p2", 1])),
        'applicant "a1": preference 2 must be a placement id (a string), not a number',
    ),
    "missing capacity": (
        broken(lambda d: d["placements"][1].pop("capacity")),
        'placement "p2" has no "capacity"',
    ),
    "negative capacity": (
        broken(lambda d: d["placements"][0].update(capacity=-1)),
        'placement "p1": "capacity" must not be negative, not -1',
    ),
    "capacity not a whole number": (
        broken(lambda d: d["placements"][0].update(capacity=1.5)),
        'placement "p1": "capacity" must be a whole number, not 1.5',
    ),
    "capacity a boolean": (
        broken(lambda d: d["placements"][0].update(capacity=True)),
        'placement "p1": "capacity" must be a whole number, not True',
    ),
    "missing priority": (
        broken(lambda d: d["placements"][0].pop("priority")),
        'placement "p1" has no "priority" list',
    ),
    "priority not a list": (
        broken(lambda d: d["placements"][0].update(priority=None)),
        'placement "p1": "priority" must be a list, not null',
    ),
}
