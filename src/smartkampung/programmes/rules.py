"""The eligibility rule language: what a Dinas Sosial analyst writes to say who a programme is for.

    age >= 60 and lives_alone and desil <= 4 and not receives("PKH")
    house_condition in ["tidak_layak", "kurang_layak"] and area("35.10.15")

A rule is parsed with lark (never eval'd), type-checked against the facts below and compiled to a Django
`Q` over the residents' facts (Person annotated with hh_desil/hh_size/hh_house_condition, or the
PersonFacts snapshot, which has the same columns). Every error is a RuleError that names the exact
offset, line and column of the offending text, so the rule editor can underline it. Its message is in
Bahasa Indonesia, or in English when that is the active language (gettext, when the error is raised).

The pipeline is: text -> lark tree -> `_Checker` (names, types, codes; builds a small typed tree of
conditions) -> `_compile` (conditions -> Q). `check` stops after the checker, `compile_rule` does both.

Unknown facts. A household may have no desil yet, or a person no current household: hh_desil, hh_size and
hh_house_condition can be NULL. A fact that is unknown never makes a person eligible, neither directly nor
through `not`: `not desil <= 4` does not select people without a desil. This is SQL's three-valued logic
(NULL <= 4 is unknown, NOT unknown is unknown, only true rows are kept), but it must not be left to SQL:
for a nullable *column* Django compiles ~Q(hh_desil__lte=4) to NOT (hh_desil <= 4 AND hh_desil IS NOT
NULL), which keeps the NULL rows. So `not` is never compiled to ~ around a nullable column: negations are
pushed down to the facts (De Morgan), and each fact has an explicit, NULL-excluding complement (desil > 4
for `not desil <= 4`, the other allowed values for `house_condition != "layak"`, ...). Only columns that
are never NULL, and the caller's receives() Q, are ever wrapped in ~.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from types import MappingProxyType

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from smartkampung.isolation.sectors import AFFECTED_SECTORS  # plain constants, no models

__all__ = ["FACTS", "FUNCTIONS", "CheckedRule", "Fact", "Function", "RuleError", "check", "compile_rule"]


# --- Errors ------------------------------------------------------------------------------------------


class RuleError(Exception):
    """A rule that cannot be used, with where: `position` and `end` are 0-based offsets into the text (end
    exclusive, for underlining; end == position marks a place where something is missing), `line` and
    `column` are 1-based."""

    def __init__(self, message: str, *, position: int, end: int, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.end = end
        self.line = line
        self.column = column

    def __str__(self) -> str:  # shown to staff too (a targeting run that stopped on a rule)
        return _("baris %(line)d, kolom %(column)d: %(message)s") % {"line": self.line, "column": self.column, "message": self.message}


def _error(text: str, message: str, start: int, end: int | None = None) -> RuleError:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return RuleError(message, position=start, end=start + 1 if end is None else end, line=line, column=column)


# --- Facts and functions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A fact about a resident that rules can test. `description` is for the editor's help panel.
    `minimum`/`maximum` bound the integers a rule may compare an int fact with (a typo such as desil <= 40
    is an error, and no literal can overflow a column). `hints` are Indonesian words an analyst may type
    instead: they are only used to suggest the fact's name, never accepted in its place."""

    name: str
    type: str  # "int" | "str" | "bool" | "date"
    description: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Function:
    """A function callable in a rule; each takes one quoted code and is a condition."""

    name: str
    argument: str  # what the one argument is, for messages: an Indonesian msgid, translated when a message is made
    example: str
    description: str


FACTS: MappingProxyType[str, Fact] = MappingProxyType({
    f.name: f
    for f in (
        Fact("age", "int", "Umur dalam tahun penuh pada tanggal penetapan, dihitung dari tanggal lahir.",
             minimum=0, maximum=150, hints=("umur", "usia", "lansia")),
        Fact("sex", "str", 'Jenis kelamin: "M" laki-laki, "F" perempuan.', choices=("M", "F"),
             hints=("jenis_kelamin", "kelamin", "gender", "jk")),
        Fact("desil", "int", "Desil kesejahteraan DTSEN keluarga: 1 (termiskin) sampai 10. Kosong bila keluarga belum diperingkat.",
             minimum=1, maximum=10, hints=("decile", "dtsen", "kesejahteraan")),
        Fact("household_size", "int", "Jumlah anggota KK saat ini yang masih hidup, termasuk orang itu sendiri.",
             minimum=0, maximum=100, hints=("jumlah_anggota", "anggota_keluarga", "jumlah_keluarga", "ukuran_keluarga", "anggota_kk")),
        Fact("lives_alone", "bool", "Tinggal sendiri: satu-satunya anggota KK yang masih hidup.",
             hints=("tinggal_sendiri", "sendiri", "sebatang_kara")),
        Fact("disability", "bool", "Penyandang disabilitas (jenis apa pun).", hints=("disabilitas", "difabel", "cacat")),
        Fact("severe_disability", "bool", "Penyandang disabilitas berat.", hints=("disabilitas_berat", "cacat_berat")),
        Fact("pregnant", "bool", "Sedang hamil: perkiraan tanggal persalinan belum lewat.", hints=("hamil", "ibu_hamil", "bumil")),
        Fact("house_condition", "str", 'Kondisi rumah keluarga: "layak", "kurang_layak" atau "tidak_layak" (RTLH).',
             choices=("layak", "kurang_layak", "tidak_layak"), hints=("kondisi_rumah", "rumah", "rtlh")),
        Fact("deceased", "bool", "Sudah meninggal dunia (tanggal kematian tercatat).", hints=("meninggal", "wafat", "almarhum", "mati")),
        Fact("birth_date", "date", "Tanggal lahir, ditulis TTTT-BB-HH, mis. 1960-08-17.", hints=("tanggal_lahir", "tgl_lahir", "lahir")),
    )
})

FUNCTIONS: MappingProxyType[str, Function] = MappingProxyType({
    f.name: f
    for f in (
        Function("receives", gettext_noop("kode program"), 'receives("PKH")',
                 'Sedang menerima program dengan kode ini, mis. receives("PKH").'),
        Function("area", gettext_noop("kode wilayah"), 'area("35.10.15")',
                 'Tinggal di wilayah ini: desa/kelurahan ("35.10.15.2004"), kecamatan ("35.10.15") atau kabupaten ("35.10").'),
        Function("affected", gettext_noop("kode sektor warga terdampak (atau tanpa kode)"), 'affected("tourism")',
                 'Tercatat sebagai warga terdampak krisis di sektor ini: "laid_off" (korban PHK), "informal" (usaha informal '
                 'bangkrut) atau "tourism" (pekerja pariwisata); affected() tanpa kode: sektor apa pun.'),
    )
})


def _type_word(type_: str) -> str:
    """What a value of this type is called in messages, in the active language."""
    return {"int": pgettext("rule language", "angka"), "str": pgettext("rule language", "teks"),
            "bool": pgettext("rule language", "benar/salah"), "date": pgettext("rule language", "tanggal"),
            "decimal": pgettext("rule language", "angka desimal")}[type_]


# Kemendagri codes: province 35, kabupaten 35.10, kecamatan 35.10.15, village 35.10.15.2004.
_AREA_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
_BLANK = re.compile(r"(\s|#[^\n]*)*")  # only whitespace and comments
_MAX_DEPTH = 64  # nesting of parentheses and `not`; bounds the recursion of the passes below


@dataclass(frozen=True)
class CheckedRule:
    text: str
    facts: frozenset[str]  # facts used
    programmes: frozenset[str]  # codes used in receives(...)
    areas: frozenset[str]  # codes used in area(...)


# --- Grammar -----------------------------------------------------------------------------------------

# Digits are ASCII only ([0-9], not \d, which also matches other scripts' digits).
# Keywords are regular expressions with a higher priority than NAME and a \b, so that `and` is a keyword
# but `android` a name, in any case (AND, Or). The basic lexer (not lark's contextual one) keeps a keyword
# a keyword everywhere, so `and` in the wrong place is a syntax error rather than an unknown fact.
# Function arguments and list items are whole expressions in the grammar so that the checker, not the
# parser, explains `receives(PKH)` or `sex in [F]` (the quotes are missing).
_GRAMMAR = r"""
start: or_expr

?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> negation
         | comparison
?comparison: operand COMPARATOR operand -> compare
           | operand _IN list -> membership
           | operand _NOT _IN list -> non_membership
           | operand
?operand: NAME -> name
        | NAME "(" [or_expr ("," or_expr)*] ")" -> call
        | INT -> integer
        | DECIMAL -> decimal
        | STRING -> string
        | DATE -> date
        | _TRUE -> true
        | _FALSE -> false
        | "(" or_expr ")"
list: "[" [or_expr ("," or_expr)*] "]"

_OR.5: /or\b/i
_AND.5: /and\b/i
_NOT.5: /not\b/i
_IN.5: /in\b/i
_TRUE.5: /true\b/i
_FALSE.5: /false\b/i
COMPARATOR: "==" | "!=" | "<=" | ">=" | "<" | ">"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
DATE.4: /[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])/
DECIMAL.3: /[0-9]+(\.[0-9]+)+/
INT: /[0-9]+/
STRING: /"[^"\n]*"/ | /'[^'\n]*'/
COMMENT: /#[^\n]*/

%ignore COMMENT
%ignore /\s+/
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=False)

# Words for the terminals in "Expected ..." messages, in this order; called when a message is made, so that
# they are in the active language (the quoted ones are words of the rule language itself).
_LITERAL_TERMINALS = frozenset({"INT", "DECIMAL", "STRING", "DATE", "_TRUE", "_FALSE"})
_TERMINAL_WORDS: MappingProxyType[str, Callable[[], str]] = MappingProxyType({
    "_AND": lambda: "'and'", "_OR": lambda: "'or'", "LSQB": lambda: pgettext("rule language", "daftar seperti [1, 2]"),
    "COMMA": lambda: "','", "RPAR": lambda: "')'", "RSQB": lambda: "']'",
    "$END": lambda: pgettext("rule language", "akhir aturan"),
})
# Indonesian connectives typed out of habit.
_CONNECTIVE_HINTS = MappingProxyType({"dan": "and", "atau": "or", "tidak": "not", "bukan": "not", "dalam": "in"})


def _character_hint(char: str) -> str:
    """A hint for a character that is no token, or ""."""
    match char:
        case "=":
            return _("Gunakan '==' untuk menguji kesamaan, mis. sex == \"F\".")
        case "!":
            return _("Gunakan 'not' untuk membalik syarat, atau '!=' untuk 'tidak sama dengan'.")
        case "&":
            return _("Gunakan 'and' untuk menggabungkan syarat.")
        case "|":
            return _("Gunakan 'or' untuk pilihan lain.")
        case "-":
            return _("Tanggal ditulis YYYY-MM-DD, mis. 2000-01-31; angka tidak boleh negatif.")
    return ""


def _parse(text: str) -> Tree:
    if _BLANK.fullmatch(text):
        raise _error(text, _("Aturan masih kosong. Tulis syarat seperti: desil <= 4"), 0, 0)
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as e:
        raise _syntax_error(text, e) from None
    _check_depth(text, tree)
    return tree


def _tokens(text: str):
    """The rule's tokens up to the first character that is no token (the parser reports that one)."""
    try:
        yield from _PARSER.lex(text)
    except UnexpectedCharacters:
        return


def _syntax_error(text: str, e: UnexpectedInput) -> RuleError:
    if isinstance(e, UnexpectedCharacters):
        pos, char = e.pos_in_stream, text[e.pos_in_stream]
        if char in "\"'":
            line_end = text.find("\n", pos)
            message = _("Teks ini tidak punya tanda kutip penutup %(quote)s.") % {"quote": char}
            return _error(text, message, pos, len(text) if line_end < 0 else line_end)
        message = _("Karakter %(char)s tidak bisa dipakai di sini.") % {"char": repr(char)}
        return _error(text, f"{message} {_character_hint(char)}".strip(), pos)
    if not isinstance(e, UnexpectedToken):  # pragma: no cover - the LALR parser raises only these two
        return _error(text, _("Aturan ini tidak bisa dibaca."), 0, 0)
    found: Token = e.token
    previous = None
    for token in _tokens(text):
        if token.start_pos >= (found.start_pos if found.type != "$END" else len(text)):
            break
        previous = token
    # accepts() replays the parser to find what it would really take here; e.expected, the LALR state's
    # table, also lists terminals that only fit in other contexts (a ')' with no '(' open).
    expected = e.interactive_parser.accepts() if e.interactive_parser is not None else set(e.expected)
    values = {"expected": _expected_words(expected), "previous": str(previous), "found": str(found)}
    if found.type == "$END":
        # The missing piece goes right after the last token: an insertion point, not a character.
        pos = previous.end_pos if previous is not None else 0
        if previous is None:  # pragma: no cover - a rule of blanks only is refused as empty before parsing
            message = _("Di awal aturan seharusnya ada %(expected)s, tetapi aturan sudah berakhir.") % values
        else:
            message = _("Setelah '%(previous)s' seharusnya ada %(expected)s, tetapi aturan sudah berakhir.") % values
        return _error(text, message, pos, pos)
    if previous is None:
        message = _("Di awal aturan seharusnya ada %(expected)s, tetapi yang tertulis '%(found)s'.") % values
    else:
        message = _("Setelah '%(previous)s' seharusnya ada %(expected)s, tetapi yang tertulis '%(found)s'.") % values
    if found.type == "NAME" and found.lower() in _CONNECTIVE_HINTS:
        hint = _("Tulis '%(keyword)s', bukan '%(word)s'.") % {"keyword": _CONNECTIVE_HINTS[found.lower()], "word": found}
        message = f"{message} {hint}"
    return _error(text, message, found.start_pos, found.end_pos)


def _expected_words(expected: Collection[str]) -> str:
    expected, words = set(expected), []
    if "NAME" in expected:
        words.append(pgettext("rule language", "syarat") if "_NOT" in expected else pgettext("rule language", "nilai"))
    elif expected & _LITERAL_TERMINALS:
        words.append(pgettext("rule language", "nilai"))
    if "COMPARATOR" in expected:
        words.append(pgettext("rule language", "operator seperti >= atau in"))
    elif "_IN" in expected:
        words.append("'in'")
    words += [word() for t, word in _TERMINAL_WORDS.items() if t in expected]
    if not words:  # pragma: no cover - every parser state expects one of the above
        return pgettext("rule language", "hal lain")
    if len(words) == 1:
        return words[0]
    return pgettext("rule language", "%(items)s atau %(last)s") % {"items": ", ".join(words[:-1]), "last": words[-1]}


def _check_depth(text: str, tree: Tree) -> None:
    """Deeply nested rules (not not not ..., ((((...))))) are refused before the recursive passes."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            message = _("Aturan ini bertingkat lebih dari %(depth)d lapis (tanda kurung atau 'not').") % {"depth": _MAX_DEPTH}
            raise _error(text, message, node.meta.start_pos, node.meta.end_pos)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


# --- Checking: the typed tree of conditions ----------------------------------------------------------

# What the checker produces and the compiler consumes. Comparisons are normalised: the fact is on the
# left, `x == false` has become `not x`, values are Python values.


@dataclass(frozen=True)
class _Compare:
    fact: str
    op: str  # == != < <= > >=
    value: int | str | dt.date


@dataclass(frozen=True)
class _Member:
    fact: str
    values: tuple  # of one type, deduplicated, in the order written


@dataclass(frozen=True)
class _Flag:
    fact: str  # a bool fact


@dataclass(frozen=True)
class _Receives:
    code: str


@dataclass(frozen=True)
class _Area:
    code: str


@dataclass(frozen=True)
class _Affected:
    sector: str | None  # None: any sector


@dataclass(frozen=True)
class _Not:
    operand: _Condition


@dataclass(frozen=True)
class _All:
    operands: tuple[_Condition, ...]


@dataclass(frozen=True)
class _Any:
    operands: tuple[_Condition, ...]


_Condition = _Compare | _Member | _Flag | _Receives | _Area | _Affected | _Not | _All | _Any


@dataclass(frozen=True)
class _Value:
    """What an operand turned out to be: a fact, a literal or a condition, with its type and span."""

    kind: str  # "fact" | "literal" | "condition"
    type: str
    start: int
    end: int
    fact: str = ""
    literal: object = None
    condition: _Condition | None = None


_FLIPPED = MappingProxyType({"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="})
_LITERAL_KINDS = frozenset({"integer", "decimal", "string", "date", "true", "false"})


def _span(node: Tree | Token) -> tuple[int, int]:
    if isinstance(node, Token):
        return node.start_pos, node.end_pos
    return node.meta.start_pos, node.meta.end_pos


def _closest(word: str, candidates: Collection[str]) -> str | None:
    for candidate in candidates:  # a matter of case: pkh -> PKH
        if candidate.lower() == word.lower():
            return candidate
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _listing(words: Collection[str], limit: int = 12) -> str:
    words = sorted(words)
    shown = ", ".join(words[:limit])
    if len(words) <= limit:
        return shown
    return _("%(shown)s dan %(count)d lainnya") % {"shown": shown, "count": len(words) - limit}


class _Checker:
    """One rule's check: resolves names and codes, checks types, collects what the rule uses."""

    def __init__(self, text: str, programme_codes: Collection[str], area_codes: Collection[str] | None) -> None:
        self.text = text
        self.programme_codes = frozenset(programme_codes)
        self.area_codes = None if area_codes is None else frozenset(area_codes)
        self.facts: set[str] = set()
        self.programmes: set[str] = set()
        self.areas: set[str] = set()

    def error(self, message: str, node: Tree | Token | _Value) -> RuleError:
        start, end = (node.start, node.end) if isinstance(node, _Value) else _span(node)
        return _error(self.text, message, start, end)

    def source(self, value: _Value) -> str:
        return self.text[value.start:value.end]

    # A condition is a bool fact, a function call or a combination of conditions.
    def condition(self, tree: Tree) -> _Condition:
        value = self.value(tree)
        if value.kind == "condition":
            return value.condition
        if value.kind == "fact" and value.type == "bool":
            return _Flag(value.fact)
        if value.kind == "fact":
            fact = FACTS[value.fact]
            raise self.error(_("'%(fact)s' berupa %(type)s, bukan syarat: bandingkan dengan sebuah nilai, mis. %(example)s")
                             % {"fact": fact.name, "type": _type_word(fact.type), "example": self.example(fact)}, value)
        raise self.error(_("Nilai %(value)s saja bukan syarat: bandingkan sebuah fakta dengannya, mis. age >= 60")
                         % {"value": self.source(value)}, value)

    @staticmethod
    def example(fact: Fact) -> str:
        if fact.type == "int":
            return f"{fact.name} >= {min(max(5, fact.minimum or 0), fact.maximum or 5)}"
        if fact.type == "str":
            return f'{fact.name} == "{fact.choices[0]}"'
        return f"{fact.name} < 2000-01-01"

    def value(self, tree: Tree) -> _Value:
        start, end = _span(tree)
        kind = tree.data
        if kind in ("or_expr", "and_expr"):
            parts = tuple(self.condition(child) for child in tree.children)
            return _Value("condition", "bool", start, end, condition=(_Any if kind == "or_expr" else _All)(parts))
        if kind == "negation":
            return _Value("condition", "bool", start, end, condition=_Not(self.condition(tree.children[0])))
        if kind == "compare":
            return _Value("condition", "bool", start, end, condition=self.compare(*tree.children))
        if kind in ("membership", "non_membership"):
            member = self.membership(*tree.children)
            return _Value("condition", "bool", start, end, condition=member if kind == "membership" else _Not(member))
        if kind == "call":
            return _Value("condition", "bool", start, end, condition=self.call(tree.children[0], tree.children[1:]))
        if kind == "name":
            return self.fact(tree.children[0])
        return self.literal(tree)

    def fact(self, name: Token) -> _Value:
        if name in FACTS:
            self.facts.add(str(name))
            return _Value("fact", FACTS[name].type, name.start_pos, name.end_pos, fact=str(name))
        if name in FUNCTIONS:
            function = FUNCTIONS[name]
            raise self.error(_("'%(name)s' adalah fungsi: isi dengan %(argument)s, mis. %(example)s")
                             % {"name": name, "argument": _(function.argument), "example": function.example}, name)
        raise self.error(self.unknown_fact(name), name)

    @staticmethod
    def unknown_fact(name: str) -> str:
        by_word = {f.name: f.name for f in FACTS.values()} | {hint: f.name for f in FACTS.values() for hint in f.hints}
        word = name.lower()
        match = by_word.get(word) or by_word.get(_closest(word, by_word) or "")
        if match:
            return _("Fakta '%(name)s' tidak dikenal. Maksud Anda '%(match)s'?") % {"name": name, "match": match}
        return _("Fakta '%(name)s' tidak dikenal. Fakta yang ada: %(facts)s.") % {"name": name, "facts": ", ".join(FACTS)}

    def literal(self, tree: Tree) -> _Value:
        token: Token = tree.children[0] if tree.children else None
        start, end = _span(tree)
        match tree.data:
            case "integer":
                # Python refuses int() of more than 4300 digits; anything that long is out of every range.
                value = int(token) if len(token) <= 18 else 10**18
                return _Value("literal", "int", start, end, literal=value)
            case "decimal":
                return _Value("literal", "decimal", start, end, literal=str(token))
            case "string":
                return _Value("literal", "str", start, end, literal=token[1:-1])
            case "date":
                try:
                    return _Value("literal", "date", start, end, literal=dt.date.fromisoformat(token))
                except ValueError:
                    raise self.error(_("%(date)s bukan tanggal yang sah (YYYY-MM-DD).") % {"date": token}, token) from None
            case "true" | "false":
                return _Value("literal", "bool", start, end, literal=tree.data == "true")
        raise AssertionError(f"unexpected rule node {tree.data}")  # pragma: no cover - the grammar has no other

    def compare(self, left_tree: Tree, op: Token, right_tree: Tree) -> _Condition:
        left = self.operand(left_tree, right_tree)
        right = self.operand(right_tree, left_tree)
        if left.kind == "literal" and right.kind == "literal":
            raise self.error(_("Perbandingan perlu sebuah fakta di salah satu sisinya, mis. age >= 60"), left)
        if left.kind != "literal" and right.kind != "literal":
            raise self.error(_("Bandingkan %(subject)s dengan sebuah nilai, bukan dengan fakta atau syarat lain.")
                             % {"subject": self.described(left)}, right)
        subject, value, op_text = (left, right, str(op)) if right.kind == "literal" else (right, left, _FLIPPED[op])
        checked = self.literal_for(subject, value)
        if subject.type in ("bool", "str") and op_text not in ("==", "!="):
            values = {"op": op, "subject": self.described(subject)}
            if subject.type == "bool":
                raise self.error(_("'%(op)s' tidak bisa dipakai untuk %(subject)s: gunakan == atau !=.") % values, op)
            raise self.error(_("'%(op)s' tidak bisa dipakai untuk %(subject)s: gunakan ==, != atau in.") % values, op)
        if subject.type == "bool":
            condition = subject.condition if subject.kind == "condition" else _Flag(subject.fact)
            return condition if (op_text == "==") == checked else _Not(condition)
        return _Compare(subject.fact, op_text, checked)

    def operand(self, tree: Tree, other: Tree) -> _Value:
        # `sex == F`: F is no fact, and most likely text without its quotes.
        if tree.data == "name" and tree.children[0] not in FACTS and tree.children[0] not in FUNCTIONS:
            other_name = other.children[0] if other.data == "name" else None
            if other_name in FACTS and FACTS[other_name].type == "str":
                name = tree.children[0]
                raise self.error(_("Fakta '%(name)s' tidak dikenal. Jika ini nilai '%(fact)s', beri tanda kutip: \"%(name)s\"")
                                 % {"name": name, "fact": other_name}, name)
        return self.value(tree)

    def described(self, value: _Value) -> str:
        if value.kind == "fact":
            return f"'{value.fact}' ({_type_word(value.type)})"
        if value.kind == "condition":
            return pgettext("rule language", "syarat (benar/salah)")
        return _type_word(value.type)

    def literal_for(self, subject: _Value, value: _Value) -> object:
        """The literal's Python value, once it is known to suit the subject (a fact or a condition)."""
        if value.type != subject.type:
            if subject.type == "int" and value.type == "decimal":
                raise self.error(_("'%(fact)s' berupa bilangan bulat; %(value)s bukan bilangan bulat.")
                                 % {"fact": subject.fact, "value": self.source(value)}, value)
            hint = ""
            if subject.type == "date":
                hint = _("Tulis tanggal sebagai YYYY-MM-DD tanpa tanda kutip, mis. 2000-01-31.")
            elif subject.type == "int" and value.type == "str":
                hint = _("Tulis angka tanpa tanda kutip, mis. 60.")
            elif subject.fact == "age" and value.type == "date":
                hint = _("Untuk membandingkan dengan tanggal, gunakan 'birth_date'.")
            elif subject.type == "str":
                hint = self.allowed(FACTS[subject.fact])
            elif subject.type == "bool":
                hint = _("Bandingkan dengan true atau false.")
            message = _("Tidak bisa membandingkan %(subject)s dengan %(type)s.") % {"subject": self.described(subject), "type": _type_word(value.type)}
            raise self.error(f"{message} {hint}".strip(), value)
        if subject.kind != "fact":
            return value.literal
        fact = FACTS[subject.fact]
        if fact.choices and value.literal not in fact.choices:
            message = _("'%(value)s' bukan salah satu nilai '%(fact)s'.") % {"value": value.literal, "fact": fact.name}
            raise self.error(f"{message} {self.allowed(fact)}", value)
        low, high = fact.minimum, fact.maximum
        if (low is not None and value.literal < low) or (high is not None and value.literal > high):
            raise self.error(_("'%(fact)s' bernilai %(low)s sampai %(high)s; %(value)s di luar rentang itu.")
                             % {"fact": fact.name, "low": low, "high": high, "value": self.source(value)}, value)
        return value.literal

    @staticmethod
    def allowed(fact: Fact) -> str:
        return _("Nilai yang boleh: %(values)s.") % {"values": ", ".join(f'"{c}"' for c in fact.choices)}

    def membership(self, subject_tree: Tree, list_tree: Tree) -> _Member:
        subject = self.value(subject_tree)
        if subject.kind != "fact":
            raise self.error(_("Sisi kiri 'in' harus sebuah fakta, mis. desil in [1, 2]"), subject)
        if subject.type == "bool":
            raise self.error(_("'%(op)s' tidak bisa dipakai untuk %(subject)s: gunakan == atau !=.")
                             % {"op": "in", "subject": self.described(subject)}, subject)
        if not list_tree.children:
            raise self.error(_("Daftarnya kosong: isi paling sedikit satu nilai."), list_tree)
        items = []
        for item in list_tree.children:
            if item.data not in _LITERAL_KINDS:
                message = _("Daftar hanya berisi nilai (angka, teks bertanda kutip, tanggal).")
                if item.data == "name":
                    message += " " + _("Beri tanda kutip pada teks: \"%(text)s\".") % {"text": item.children[0]}
                raise self.error(message, item)
            items.append(self.literal(item))
        for item in items[1:]:
            if item.type != items[0].type:
                raise self.error(_("Semua nilai dalam daftar harus sejenis: yang ini %(this)s, yang pertama %(first)s.")
                                 % {"this": _type_word(item.type), "first": _type_word(items[0].type)}, item)
        values = tuple(dict.fromkeys(self.literal_for(subject, item) for item in items))
        return _Member(subject.fact, values)

    def call(self, name: Token, args: list[Tree]) -> _Condition:
        function = FUNCTIONS.get(str(name))
        if function is None:
            if name in FACTS:
                raise self.error(_("'%(name)s' adalah fakta, bukan fungsi: tulis tanpa tanda kurung.") % {"name": name}, name)
            suggestion = _closest(name, FUNCTIONS)
            if suggestion:
                raise self.error(_("Fungsi '%(name)s' tidak dikenal. Maksud Anda '%(suggestion)s'?")
                                 % {"name": name, "suggestion": suggestion}, name)
            raise self.error(_("Fungsi '%(name)s' tidak dikenal. Fungsi yang ada: %(functions)s.")
                             % {"name": name, "functions": ", ".join(FUNCTIONS)}, name)
        usage = (_("%(function)s() diisi %(argument)s dalam tanda kutip, mis. %(example)s")
                 % {"function": function.name, "argument": _(function.argument), "example": function.example})
        if function.name == "affected":
            return self.affected(usage, name, args)
        if len(args) != 1:
            raise self.error(self.arguments(usage, len(args)), args[1] if args else name)
        arg = args[0]
        if arg.data != "string":
            raise self.error(usage, arg)
        code = arg.children[0][1:-1]
        if function.name == "receives":
            if code not in self.programme_codes:
                raise self.error(self.unknown("programme", code, self.programme_codes), arg)
            self.programmes.add(code)
            return _Receives(code)
        if not _AREA_CODE.fullmatch(code):
            raise self.error(_("'%(code)s' bukan kode wilayah: tulis kode desa (\"35.10.15.2004\"), kecamatan (\"35.10.15\") "
                               "atau kabupaten (\"35.10\").") % {"code": code}, arg)
        if self.area_codes is not None and code not in self.area_codes:
            same_level = {c for c in self.area_codes if c.count(".") == code.count(".")}  # suggest a kecamatan for a kecamatan
            raise self.error(self.unknown("area", code, same_level or self.area_codes), arg)
        self.areas.add(code)
        return _Area(code)

    def affected(self, usage: str, name: Token, args: list[Tree]) -> _Affected:
        if not args:
            return _Affected(None)
        if len(args) != 1:
            raise self.error(self.arguments(usage, len(args)), args[1])
        if args[0].data != "string":
            raise self.error(usage, args[0])
        code = args[0].children[0][1:-1]
        if code not in AFFECTED_SECTORS:
            raise self.error(self.unknown("sector", code, AFFECTED_SECTORS), args[0])
        return _Affected(code)

    @staticmethod
    def arguments(usage: str, count: int) -> str:
        """The usage of a function given the wrong number of arguments (never 1: always plural)."""
        return _("%(usage)s (tertulis %(count)d argumen).") % {"usage": usage, "count": count}

    @staticmethod
    def unknown(what: str, code: str, known: Collection[str]) -> str:
        """An unknown code of `what`: "programme", "area" or "sector". Whole sentences for each, so that
        they read right in both languages."""
        if not known:
            message = {
                "programme": _("Program '%(code)s' tidak dikenal: belum ada program satu pun."),
                "area": _("Wilayah '%(code)s' tidak dikenal: belum ada wilayah satu pun."),
                "sector": _("Sektor '%(code)s' tidak dikenal: belum ada sektor satu pun."),
            }[what]
            return message % {"code": code}
        suggestion = _closest(code, known)
        if suggestion:
            message = {
                "programme": _("Program '%(code)s' tidak dikenal. Maksud Anda '%(suggestion)s'?"),
                "area": _("Wilayah '%(code)s' tidak dikenal. Maksud Anda '%(suggestion)s'?"),
                "sector": _("Sektor '%(code)s' tidak dikenal. Maksud Anda '%(suggestion)s'?"),
            }[what]
            return message % {"code": code, "suggestion": suggestion}
        message = {
            "programme": _("Program '%(code)s' tidak dikenal. Program yang ada: %(known)s."),
            "area": _("Wilayah '%(code)s' tidak dikenal. Wilayah yang ada: %(known)s."),
            "sector": _("Sektor '%(code)s' tidak dikenal. Sektor yang ada: %(known)s."),
        }[what]
        return message % {"code": code, "known": _listing(known)}


def _analyse(text: str, programme_codes: Collection[str], area_codes: Collection[str] | None) -> tuple[CheckedRule, _Condition]:
    checker = _Checker(text, programme_codes, area_codes)
    condition = checker.condition(_parse(text).children[0])
    rule = CheckedRule(text=text, facts=frozenset(checker.facts), programmes=frozenset(checker.programmes), areas=frozenset(checker.areas))
    return rule, condition


def check(text: str, *, programme_codes: Collection[str], area_codes: Collection[str] | None = None) -> CheckedRule:
    """Check a rule without compiling it; raises RuleError. Area codes are only checked for their form when
    `area_codes` is None."""
    return _analyse(text, programme_codes, area_codes)[0]


# --- Compiling to Q ----------------------------------------------------------------------------------

_NEVER = Q(pk__in=[])  # matches no row (Django short-circuits it: no SQL at all, or dropped from an OR)
# The negation of each comparison, which like the comparison itself is false for NULL (see the module doc).
_COMPLEMENT = MappingProxyType({"==": "!=", "!=": "==", "<": ">=", ">=": "<", "<=": ">", ">": "<="})
_LOOKUPS = MappingProxyType({"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"})


def _column(fact: str) -> str:
    """The column (or caller's annotation) behind a fact; age and the bool facts are compiled on their own."""
    return {"sex": "sex", "desil": "hh_desil", "household_size": "hh_size", "house_condition": "hh_house_condition",
            "birth_date": "birth_date"}[fact]


def compile_rule(text: str, *, programme_codes: Collection[str], today: dt.date, receives: Callable[[str], Q],
                 area_codes: Collection[str] | None = None, affected: Callable[[str | None], Q] | None = None) -> Q:
    """Check a rule (raises RuleError) and compile it to a Q over residents' facts as of `today`.
    `receives(code)` is the caller's Q for "currently receives programme `code`"; `affected(sector)` (sector
    None = any) for "recorded as affected"; by default the isolation app's, over PersonFacts.person_id."""
    condition = _analyse(text, programme_codes, area_codes)[1]
    if affected is None:
        def affected(sector: str | None) -> Q:
            from smartkampung.isolation.selectors import affected_factory  # the app that keeps the records

            return affected_factory(as_of=today)(sector)
    return _compile(condition, negated=False, today=today, receives=receives, affected=affected)


def _compile(node: _Condition, *, negated: bool, today: dt.date, receives: Callable[[str], Q],
             affected: Callable[[str | None], Q]) -> Q:
    """The Q of `node`, or of `not node` when `negated`: negations are pushed down to the facts."""

    def sub(child: _Condition, flip: bool = False) -> Q:
        return _compile(child, negated=negated != flip, today=today, receives=receives, affected=affected)

    match node:
        case _Not(operand):
            return sub(operand, flip=True)
        case _All(operands) | _Any(operands):
            # De Morgan: not (a and b) = not a or not b. Folded left, as `a & b & c` would be.
            combine = and_ if isinstance(node, _All) != negated else or_
            return reduce(combine, (sub(o) for o in operands))
        case _Receives(code):
            return ~receives(code) if negated else receives(code)  # the caller's Q is never NULL (an EXISTS)
        case _Affected(sector):
            return ~affected(sector) if negated else affected(sector)  # an EXISTS too
        case _Area(code):
            # A village code has 4 parts; a kecamatan (or kabupaten) is every village whose code extends it.
            q = Q(village__code=code) if code.count(".") == 3 else Q(village__code__startswith=code + ".")
            return ~q if negated else q  # village is never NULL
        case _Flag(fact):
            return _flag(fact, negated, today)
        case _Compare(fact, op, value):
            op = _COMPLEMENT[op] if negated else op
            if fact == "age":
                return _age(op, value, today)
            if FACTS[fact].choices:
                return _one_of(fact, (value,) if op == "==" else tuple(c for c in FACTS[fact].choices if c != value))
            if op == "!=":  # as two ranges, which, unlike ~Q(x=v), are false for NULL
                return Q(**{f"{_column(fact)}__lt": value}) | Q(**{f"{_column(fact)}__gt": value})
            if op == "==":
                return Q(**{_column(fact): value})
            return Q(**{f"{_column(fact)}__{_LOOKUPS[op]}": value})
        case _Member(fact, values):
            if fact == "age":
                within = reduce(or_, (_age("==", v, today) for v in values))
                return ~within if negated else within  # birth_date is never NULL
            if FACTS[fact].choices:
                return _one_of(fact, tuple(c for c in FACTS[fact].choices if c not in values) if negated else values)
            column = _column(fact)
            if negated:  # known, and none of these
                return Q(**{f"{column}__isnull": False}) & ~Q(**{f"{column}__in": list(values)})
            return Q(**{f"{column}__in": list(values)})
    raise AssertionError(f"unexpected condition {node!r}")  # pragma: no cover


def _one_of(fact: str, values: tuple[str, ...]) -> Q:
    """A text fact with a set of allowed values: `!=` and `not in` become the remaining allowed values,
    which never match NULL (nor a value outside the choices)."""
    column = _column(fact)
    if not values:
        return _NEVER
    if len(values) == 1:
        return Q(**{column: values[0]})
    return Q(**{f"{column}__in": list(values)})


def _flag(fact: str, negated: bool, today: dt.date) -> Q:
    match fact:
        case "lives_alone":  # hh_size == 1; its negation must not match an unknown (NULL) size
            return Q(hh_size__lt=1) | Q(hh_size__gt=1) if negated else Q(hh_size=1)
        case "disability":
            return Q(disability="none") if negated else ~Q(disability="none")
        case "severe_disability":
            return Q(disability_severe=not negated)
        case "pregnant":  # no due date is known: not pregnant
            return Q(pregnancy_due_date__isnull=True) | Q(pregnancy_due_date__lt=today) if negated else Q(pregnancy_due_date__gte=today)
        case "deceased":
            return Q(date_of_death__isnull=negated)
    raise AssertionError(f"unexpected flag {fact}")  # pragma: no cover


def _years_before(today: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is at least `years` old on `today`. On 29 February, the same day
    of a common year does not exist: 28 February is the latest birth date that qualifies then."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _age(op: str, years: int, today: dt.date) -> Q:
    """Age as ranges of birth_date, never as a computed annotation, so that the birth_date index serves it.
    age >= N <=> born on or before today minus N years; the rest follows with whole years: age > N is
    age >= N + 1, age <= N is age < N + 1. Someone born on 29 February turns a year older on 1 March in
    common years (as with the usual age arithmetic)."""

    def at_least(n: int) -> Q:
        return Q(birth_date__lte=_years_before(today, n))

    def under(n: int) -> Q:
        return Q(birth_date__gt=_years_before(today, n))

    match op:
        case ">=":
            return at_least(years)
        case ">":
            return at_least(years + 1)
        case "<":
            return under(years)
        case "<=":
            return under(years + 1)
        case "==":
            return Q(birth_date__gt=_years_before(today, years + 1), birth_date__lte=_years_before(today, years))
        case "!=":
            return under(years) | at_least(years + 1)
    raise AssertionError(f"unexpected operator {op}")  # pragma: no cover
