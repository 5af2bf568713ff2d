"""The pieces other countries' written street patterns are built from: the house number
("12", "12a", "12/3"), the unit after it ("3º izq", "piso 2", "Whg 4"), the compound street
words ("Hauptstraße", "Keizersgracht"), the words that open a street name ("Rue", "Calle",
"ul.") and the words of the name itself.

Shared by ``address_written`` (the street patterns) and ``address_lines`` (a street on the
line above a postcode).
"""

from __future__ import annotations

from callvault.redaction.places import UPPER

HOUSE = r"\d{1,5}[a-zA-Z]?(?:[-/]\d{1,4}[a-zA-Z]?)?"
UNIT_TAIL = (
    r"(?:,?[ \t]*(?:\d{1,2}[ \t]?[º°ª](?:[ \t]*(?:izq|izda|dcha|dch|der|ctr|[a-z]{1,2})\b\.?)?"
    r"|(?:piso|puerta|planta|apt|apto|whg|etage|escalera|esc|bus|bte|app|interno|int"
    r"|lok|m|flat|unit|suite)\.?[ \t]*[\w]{1,4}\b|[ \t]?[a-zA-Z](?![\w'])))*"
)
# "Hauptstraße 12", "Keizersgracht 5", "Kungsgatan 8". The endings are tried after each
# letter of a capitalised word (its letters are taken, then given back one at a time), so
# a look-ahead of their first letters drops most places before the case-blind list.
STREET_COMPOUND = (
    r"(?i:(?=[abcdghklmprstuvwzú])"
    r"(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|pfad|steig"
    r"|zeile|markt|laan|straat|gracht|plein|kade|singel|dijk|steeg|baan|boulevard|hof|vej"
    r"|gade|allé|gatan|vägen|väg|torget|stigen|gränd|veien|vegen|gata|utca|útja|körút|tér"
    r"|katu|tie|kuja))"
)
STREET_LEADS = (
    "Rue", "Avenue", "Av.", "Boulevard", "Bd", "Bd.", "Place", "Chemin", "Allée", "Quai",
    "Impasse", "Route", "Cours", "Calle", "C/", "Avenida", "Avda", "Avda.", "Paseo", "Plaza",
    "Carrer", "Rua", "Travessa", "Largo", "Via", "Viale", "Piazza", "Piazzale", "Corso",
    "Vicolo", "Ulica", "Aleja", "Osiedle", "Strada", "Calea", "Bulevardul", "Ulitsa",
    "Náměstí", "Ulice", "Am", "An der", "Auf der", "Im", "Zum", "Zur", "Camino", "Pasaje",
    "Pasadizo", "Urbanización", "Cañada", "Travesía", "Ronda", "Glorieta", "Rambla",
    "Passeig", "Camí", "Stretto", "Canale", "Incrocio", "Contrada", "Borgo", "Lungomare",
    "Vico", "Rotonda", "Quadra", "Residencial", "Alameda", "Lagoa", "Pátio", "Praça",
    "Rodovia", "Estrada", "Ladeira", "Beco", "Viela",
)  # fmt: skip
# Lower-case leads ("ul. Długa 3", "rue de Rivoli 45"): a separate pattern, tried only
# when one of them is in the text (they are frequent letters to stop at).
LOWER_LEADS = ("ul.", "al.", "os.", "pl.", "ulica", "aleja", "plac", "rue", "calle", "via")
STREET_NAME_WORD = (
    rf"(?:[{UPPER}0-9][\w'\u2019.-]*|de|del|de la|des|du|da|do|dos|das|di|della|dei|delle|la|le|les"
    r"|l'|d'|y|e)"
)
# Words that close an organisation's name ("Pactiv Evergreen Inc.", "Oxbridge Re Holdings
# Limited"): capitalised words ending in one are no town or street.
ORG_WORDS = frozenset((
    "inc", "ltd", "limited", "corp", "corporation", "co", "plc", "sa", "ag", "llc", "lp",
    "gmbh", "nv", "bv", "ab", "asa", "oyj", "spa", "srl", "group", "holdings", "bank",
    "trust", "fund", "etf", "company", "university", "college", "hospital", "hotel",
    "clinic", "school", "capital", "partners", "technologies", "international", "systems",
    "services", "bancorp", "bancorporation", "acquisition", "therapeutics", "pharma",
))  # fmt: skip
