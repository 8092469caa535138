"""The Spanish catalog is complete, compiled, and what Spanish speakers actually see.

The catalog lives in netweave/locale/es/LC_MESSAGES/. After marking or changing a string:

    cd netweave && ../.venv/bin/python ../manage.py makemessages -l es --no-wrap --no-location \
        --ignore=.venv --ignore=node_modules --ignore=data
    (translate the new entries in django.po)
    ../.venv/bin/python ../manage.py compilemessages --ignore=.venv

The .mo is committed, so an install without gettext still shows Spanish; these tests make sure
the committed .mo says exactly what the .po says.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from netweave.core.testing import Client  # force_login passes the two-factor step too
from netweave.outreach.services import code_for_person

PACKAGE = Path(__file__).resolve().parents[2]
LC_MESSAGES = PACKAGE / "locale" / "es" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


# --- A small .po reader (stdlib only) --------------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The key gettext uses: the context, EOT, then the msgid."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def where(self) -> str:
        return f"{self.msgid!r} ({', '.join(self.references) or 'no reference'})"


FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the live entries; obsolete (#~) entries and previous-msgid (#|)
    comments are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    last: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, last
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)
        entry, last = None, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith(("#~", "#|")):
            continue
        if entry is None:
            entry = Entry()
        if line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif match := FIELD.match(line):
            name, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if name == "msgstr":
                last = ("msgstr", int(index or 0))
                entry.msgstr[last[1]] = value
            else:
                last = (name, 0)
                setattr(entry, name, value)
        elif line.startswith('"') and last is not None:
            value = ast.literal_eval(line)
            if last[0] == "msgstr":
                entry.msgstr[last[1]] += value
            else:
                setattr(entry, last[0], getattr(entry, last[0]) + value)
        else:
            raise AssertionError(f"{path}: cannot read the line {raw!r}")
    finish()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the catalog header has no Plural-Forms"
    return int(match.group(1))


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXeEgGc]")


def placeholders(text: str) -> list[str]:
    """printf-style placeholders, named ones sorted (their order may change), positional
    ones in order (it may not)."""
    found = PLACEHOLDER.findall(text.replace("%%", ""))
    named = sorted(p for p in found if p.startswith("%("))
    return named + [p for p in found if not p.startswith("%(")]


def catalog_problems(path: Path) -> list[str]:
    header, entries = read_po(path)
    problems = []
    if "fuzzy" in header.flags:
        problems.append("the header is marked fuzzy")
    forms = nplurals(header)
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.where()}")
        wanted = list(range(forms)) if entry.msgid_plural is not None else [0]
        for index in wanted:
            text = entry.msgstr.get(index, "")
            if not text.strip():
                problems.append(f"untranslated (msgstr[{index}]): {entry.where()}")
                continue
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if placeholders(text) != placeholders(source):
                problems.append(f"placeholders differ in msgstr[{index}] "
                                f"{placeholders(text)} vs {placeholders(source)}: {entry.where()}")
            if source.endswith("\n") != text.endswith("\n"):
                problems.append(f"trailing newline differs: {entry.where()}")
    return problems


# --- The catalog -----------------------------------------------------------------------------

def test_the_spanish_catalog_is_where_django_looks_for_it(settings):
    assert PACKAGE / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert "es" in dict(settings.LANGUAGES)
    assert PO.is_file() and MO.is_file()


def test_every_entry_is_translated_with_its_placeholders():
    header, entries = read_po(PO)
    assert len(entries) > 400  # the reader found the catalog, not an empty file
    assert "Language: es" in header.msgstr[0]
    problems = catalog_problems(PO)
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_should(tmp_path):
    """The checks above would notice an empty, a fuzzy or a broken entry."""
    bad = tmp_path / "django.po"
    bad.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: a.html:1\nmsgid "Save"\nmsgstr ""\n\n'
        '#: a.html:2\n#, fuzzy\nmsgid "Cancel"\nmsgstr "Cancelar"\n\n'
        '#: a.html:3\n#, python-format\nmsgid "Hi %(name)s"\nmsgstr "Hola %(nombre)s"\n\n'
        '#: a.html:4\n#, python-format\nmsgid "%(n)s network"\nmsgid_plural "%(n)s networks"\n'
        'msgstr[0] "%(n)s red"\nmsgstr[1] ""\n\n'
        '#: a.html:5\nmsgid "A "\n"long one"\nmsgstr "Una "\n"larga"\n',
        encoding="utf-8",
    )
    problems = "\n".join(catalog_problems(bad))
    assert "untranslated (msgstr[0]): 'Save'" in problems
    assert "fuzzy: 'Cancel'" in problems
    assert "placeholders differ" in problems and "'Hi %(name)s'" in problems
    assert "untranslated (msgstr[1]): '%(n)s network'" in problems
    assert "A long one" not in problems
    assert placeholders("%s is %(x)s, %(a)d%%") == ["%(a)d", "%(x)s", "%s"]


@pytest.mark.skipif(not all(shutil.which(p) for p in ("xgettext", "msgmerge", "msguniq",
                                                      "msgattrib")),
                    reason="gettext tools are not installed")
def test_the_catalog_has_every_marked_string_and_no_stale_ones(tmp_path, monkeypatch):
    """makemessages, run on a copy of the code, finds no string the committed catalog lacks.
    A newly marked string fails here until makemessages is run and the entry translated."""
    shutil.copytree(PACKAGE, tmp_path / "netweave",
                    ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "node_modules"))
    fresh = tmp_path / "locale" / "es" / "LC_MESSAGES"
    fresh.mkdir(parents=True)
    shutil.copy(PO, fresh / "django.po")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
        call_command("makemessages", locale=["es"], verbosity=0, no_obsolete=True,
                     ignore_patterns=[".venv", "node_modules", "data"])
    _, committed = read_po(PO)
    _, extracted = read_po(fresh / "django.po")
    committed_keys = {e.key for e in committed}
    extracted_keys = {e.key for e in extracted}
    missing = sorted(extracted_keys - committed_keys)
    stale = sorted(committed_keys - extracted_keys)
    assert not missing, f"marked in the code but not in {PO.name}; run makemessages: {missing}"
    assert not stale, f"in {PO.name} but no longer in the code; run makemessages: {stale}"
    plural_changed = sorted(
        e.key for e in extracted
        if e.msgid_plural != next(c for c in committed if c.key == e.key).msgid_plural
    )
    assert not plural_changed, f"plural forms changed; run makemessages: {plural_changed}"


def test_the_compiled_catalog_says_what_the_po_says():
    """The committed .mo matches the .po entry for entry (checked through gettext itself,
    not file dates, which a git checkout does not keep)."""
    header, entries = read_po(PO)
    with MO.open("rb") as f:
        mo = gettext.GNUTranslations(f)
    compiled = {k[0] if isinstance(k, tuple) else k for k in mo._catalog if k != ""}
    assert compiled == {e.key for e in entries}, (
        "django.mo is out of date; run compilemessages "
        f"(missing: {sorted({e.key for e in entries} - compiled)[:5]}, "
        f"extra: {sorted(compiled - {e.key for e in entries})[:5]})"
    )
    for entry in entries:
        if entry.msgid_plural is None:
            got = (mo.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt is not None
                   else mo.gettext(entry.msgid))
            assert got == entry.msgstr[0], f"django.mo is out of date for {entry.where()}"
        else:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0], \
                f"django.mo is out of date for {entry.where()}"
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr[nplurals(
                header) - 1], f"django.mo is out of date for {entry.where()}"


# --- What people see --------------------------------------------------------------------------

MENU = {
    # English in the header menu -> the Spanish that replaces it
    "Networks": "Redes",
    "People": "Personas",
    "Tasks": "Tareas",
    "Ways to help": "Formas de ayudar",
    "Events": "Eventos",
    "Sign-up codes": "Códigos de inscripción",
    "Log out": "Cerrar sesión",
}


def spanish_client() -> Client:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/login/"})
    assert response.status_code == 302
    return client


def test_english_is_still_the_default(world):
    client = Client()
    assert "Sign in" in client.get("/login/").content.decode()
    client.force_login(world.alice)
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    for english in MENU:
        assert f">{english}<" in page


@pytest.mark.django_db
def test_the_language_switch_turns_the_login_page_spanish():
    client = spanish_client()
    page = client.get("/login/").content.decode()
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page
    assert "Sign in" not in page
    assert "Una persona organizadora puede enviarte un enlace de invitación" in page
    assert "Nombre de usuario" in page  # Django's own catalog, merged with ours


def test_the_menu_dashboard_and_networks_pages_in_spanish(world):
    client = spanish_client()
    client.force_login(world.alice)
    home = client.get("/").content.decode()
    assert '<html lang="es">' in home
    for english, spanish in MENU.items():
        assert f">{spanish}<" in home, spanish
        assert f">{english}<" not in home, english
    assert "Panorama del capítulo" in home and "Chapter overview" not in home

    networks = client.get("/networks/").content.decode()
    assert "<h1>Redes</h1>" in networks
    assert "Iniciar una red" in networks and "Start a network" not in networks
    assert "Filtrar" in networks and ">Filter<" not in networks
    assert "generación 1" in networks and "generation 1" not in networks


def test_the_public_sign_up_page_follows_the_browser_language(world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    url = reverse("join", kwargs={"code": code.code})
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(url).content.decode()
    assert '<html lang="es">' in page
    assert f"Súmate a {world.chapter.name}" in page
    assert "¿Cómo te llamamos?" in page and "What should we call you?" not in page
    assert "Más sobre ti (opcional)" in page
    assert ">Inscribirme<" in page and ">Sign up<" not in page

    # Errors from forms and services come back in Spanish too.
    sent = client.post(url, {"display_name": "", "email": "", "phone": "", "phone_kind": "phone"})
    assert sent.status_code == 200
    assert "Cuéntanos cómo llamarte." in sent.content.decode()

    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "What should we call you?" in english
