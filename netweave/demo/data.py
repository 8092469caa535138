"""The fixed material the demo movement is made from: names, chapters, places, wording.

Everything here is fictional. Contact details are made elsewhere, only at example.org/.net and in
the 555-01xx range of telephone numbers that is set aside for fiction.
"""

from __future__ import annotations

from netweave.core.models import Place

P = Place.Kind

# (weight, first language, first names): pseudonyms are a first name and an initial.
CULTURES: list[tuple[int, str, list[str]]] = [
    (22, "en", ["Emma", "Liam", "Olivia", "Noah", "Grace", "Owen", "Chloe", "Jack", "Hannah",
                "Caleb", "Maddie", "Tyler", "Jess", "Sean", "Molly", "Dylan", "Kate", "Ryan"]),
    (26, "es", ["José", "Lucía", "Camila", "Mateo", "Valeria", "Diego", "Sofía", "Alejandro",
                "Ximena", "Luis", "Guadalupe", "Carlos", "Daniela", "Javier", "Marisol",
                "Andrés", "Paola", "Jorge", "Yesenia", "Rafael"]),
    (8, "en", ["Aaliyah", "Darnell", "Imani", "Jamal", "Keisha", "Marcus", "Tanisha", "Andre",
               "Jasmine", "Malik"]),
    (6, "vi", ["Linh", "Minh", "Thanh", "Huong", "Duc", "Mai", "Tuan", "Ngoc"]),
    (6, "zh", ["Wei", "Mei", "Jun", "Xiu", "Hao", "Lan", "Chen", "Yu"]),
    (6, "ar", ["Omar", "Fatima", "Yusuf", "Layla", "Hassan", "Noor", "Karim", "Samira"]),
    (5, "tl", ["Maricel", "Jomar", "Rhea", "Paolo", "Kristine", "Bong"]),
    (5, "so", ["Abdi", "Hodan", "Farah", "Ayaan", "Mohamed", "Sahra"]),
    (5, "pt", ["João", "Thaís", "Bruna", "Tiago", "Larissa", "Caio"]),
    (5, "hi", ["Priya", "Arjun", "Ananya", "Rohan", "Divya", "Vikram"]),
    (4, "yo", ["Oluwaseun", "Tunde", "Femi", "Adaeze", "Chiamaka", "Ngozi"]),
    (3, "ru", ["Dmitri", "Olga", "Nikolai", "Irina"]),
    (3, "ht", ["Jean-Pierre", "Mirlande", "Wesly", "Nadège"]),
]
INITIALS = "ABCDEFGHJKLMNOPRSTVWYZ"

AVAILABILITY = ["weekday evenings", "weekends", "lunch breaks", "after school", "mornings",
                "any time online", "Sunday afternoons", ""]
INTERESTS = ["film", "clips", "reading", "food", "schools", "workplace", "art", "music", "housing"]
GROUPINGS: dict[str, list[str]] = {
    P.HIGH_SCHOOL: ["classmates", "the soccer team", "the art club"],
    P.CAMPUS: ["classmates", "dorm friends", "the student union"],
    P.WORKPLACE: ["co-workers", "the night shift"],
    P.ONLINE: ["friends online", "a gaming group"],
}
# "family and friends" twice: it is the commonest.
HOME_GROUPINGS = ["family and friends", "neighbours", "church group", "family and friends",
                  "the community garden", "parents at the school gate"]
NOTES = ["Met at the farmers market; wants to host a showing.",
         "Prefers texts after 6pm.", "Came with her cousin.", "Asked about the study group.",
         "Works nights, weekends are better.", "Interested in the walkout at work.",
         "Speaks Spanish at home; happy to translate flyers."]

# A chapter: how it grows, what share of the people it gets, its places and its core.
# Places are (name, kind, networks wanted there); the first is the city the others sit in.
# Core members are (display name, languages, role, username or ""); the first is the organizer.
CHAPTERS: list[dict] = [
    {
        "name": "Riverside", "slug": "riverside", "region": "River Valley",
        "growth": "geometric", "share": 0.55, "people_per_network": 6, "age_days": 365,
        "places": [
            ("Riverside", P.CITY, 0), ("Eastside", P.NEIGHBOURHOOD, 4),
            ("Old Mill", P.NEIGHBOURHOOD, 3), ("Harbor Flats", P.NEIGHBOURHOOD, 3),
            ("Northgate", P.NEIGHBOURHOOD, 0), ("Riverside Community College", P.CAMPUS, 3),
            ("Riverside State University", P.CAMPUS, 2), ("Jefferson High", P.HIGH_SCHOOL, 2),
            ("Eastside High", P.HIGH_SCHOOL, 2), ("Harbor distribution center", P.WORKPLACE, 2),
            ("St. Agnes Hospital", P.WORKPLACE, 0), ("Riverside online", P.ONLINE, 0),
        ],
        "core": [
            ("Rosa M.", ["en", "es"], "organizer", "rosa"),
            ("Marta G.", ["es", "en"], "root", "marta"),
            ("Jun W.", ["en", "zh"], "root", ""),
            ("Sam O.", ["en"], "admin", "admin"),
        ],
    },
    {
        "name": "Hilltop", "slug": "hilltop", "region": "River Valley",
        "growth": "incremental", "share": 0.33, "people_per_network": 12, "age_days": 365,
        "places": [
            ("Hilltop", P.CITY, 0), ("Summit Park", P.NEIGHBOURHOOD, 3),
            ("Quarry Row", P.NEIGHBOURHOOD, 2), ("Hilltop State College", P.CAMPUS, 3),
            ("Hilltop High", P.HIGH_SCHOOL, 2), ("Canning plant", P.WORKPLACE, 2),
            ("Hilltop online", P.ONLINE, 0),
        ],
        "core": [
            ("Hugo P.", ["en"], "organizer", "hugo"),
            ("Bea L.", ["en"], "root", ""),
            ("Kofi A.", ["en"], "root", ""),
        ],
    },
    {
        "name": "Lakeview", "slug": "lakeview", "region": "North Shore",
        "growth": "young", "share": 0.12, "people_per_network": 9, "age_days": 120,
        "places": [
            ("Lakeview", P.CITY, 0), ("Marina", P.NEIGHBOURHOOD, 2),
            ("Lakeview High", P.HIGH_SCHOOL, 2), ("Lakeview online", P.ONLINE, 0),
        ],
        "core": [
            ("Lena K.", ["en"], "organizer", "lena"),
            ("Inés V.", ["es", "en"], "root", ""),
        ],
    },
]
# The two logins picked from Riverside's generated people once its networks exist.
CONVENER_LOGIN = ("Tomás R.", ["es", "en"], "tomas")
MEMBER_LOGIN = ("Amira K.", ["en", "ar"], "amira")

# Where each kind of network usually works, best first.
KIND_PLACES = {
    "distribution": [P.NEIGHBOURHOOD], "postering": [P.NEIGHBOURHOOD, P.CAMPUS],
    "promotion": [P.CAMPUS, P.NEIGHBOURHOOD, P.ONLINE],
    "discussion": [P.CAMPUS, P.NEIGHBOURHOOD, P.WORKPLACE],
    "school_table": [P.HIGH_SCHOOL, P.CAMPUS], "showing_hosts": [P.NEIGHBOURHOOD],
    "fundraising": [P.NEIGHBOURHOOD], "protest": [P.WORKPLACE, P.HIGH_SCHOOL, P.CAMPUS],
    "online": [P.ONLINE],
}
NETWORK_NAMES = {
    "distribution": ["{place} distribution team", "{place} flyer crew", "{place} door-knockers"],
    "postering": ["{place} poster crew", "{place} wheatpaste team"],
    "promotion": ["{place} film promo team", "{place} premiere promoters"],
    "discussion": ["{place} study circle", "{place} reading group", "{place} discussion group"],
    "school_table": ["{place} cafeteria table", "{place} lunch table"],
    "showing_hosts": ["{place} living-room showings", "{place} showing hosts"],
    "fundraising": ["{place} tamale sale crew", "{place} bake sale collective"],
    "protest": ["{place} walkout committee", "{place} action committee"],
    "online": ["{place} clips crew", "{place} meme team"],
}
NETWORK_DOES = {
    "distribution": "Hands out flyers at busy corners every other weekend.",
    "postering": "Puts up posters for every showing and event.",
    "promotion": "Gets people to the film: clips, flyers and personal invitations.",
    "discussion": "Meets every two weeks to study the material together.",
    "school_table": "Runs a table at lunch, shows clips and takes sign-ups.",
    "showing_hosts": "Hosts showings at home for family, friends and neighbours.",
    "fundraising": "Cooks and sells food at events to raise funds.",
    "protest": "Organizing a walkout: one conversation at a time.",
    "online": "Cuts clips and shares them where friends will see them.",
}
# Which playbooks a network of each kind is given, beyond the ones that build toward it.
KIND_PLAYBOOKS = {"promotion": ["share-clip-online", "distribute-flyers", "bring-a-friend"]}
HOSTED_EVENTS = {"showing_hosts": "showing", "promotion": "showing", "discussion": "discussion",
                 "school_table": "table", "protest": "protest"}

FILM = "The Long Shift"
STUDY_TOPICS = ["the film's second half", "chapter 3 of the reading", "what a network is",
                "organizing where you work", "why networks grow geometrically"]
MAJOR_EVENTS = ["Premiere night: " + FILM, "Spring gathering", "Summer cookout and showing",
                "Fall assembly", "Winter gathering"]
EVENT_ROOMS = ["community room", "library meeting room", "back room of the café",
               "union hall", "church basement", "cafeteria"]
OUTREACH_SPOTS = ["Corner of 5th & Main", "Farmers market", "Bus depot", "Campus quad",
                  "School gate after the bell", "Laundromat on Pine St", "Metro station entrance",
                  "Library steps", "Shift change at the gate", "Flea market"]
LINK_NOTES = ["Share flyers and showings", "Joint table on campus", "Co-host the monthly showing",
              "Swap clips and posters", ""]
DROP_REASONS = ["No time this month", "Got sick", "Moved to another task", ""]
REPORT_RANGES = {
    "people_reached": (3, 25), "replies": (0, 6), "readings": (1, 3), "flyers": (40, 250),
    "conversations": (4, 30), "contacts": (0, 6), "posters": (10, 60), "attendees": (3, 14),
    "signups": (0, 5), "money_raised": (60, 450), "contacted": (1, 5), "friends": (0, 2),
    "members": (2, 5), "committed": (0, 8),
}
