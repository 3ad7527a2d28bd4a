"""Everything the bot itself says to a seller (Rasa writes the coaching texts)."""

from __future__ import annotations

from rasa_ext.payload import TE_LANG_TEKST

NIET_BEREIKBAAR = "De coach is even niet bereikbaar, probeer het zo opnieuw."
GEEN_ANTWOORD = (
    "De coach heeft hier even geen antwoord op. Probeer het zo opnieuw, "
    "of typ /tips voor de situaties."
)
ALLEEN_TEKST = (
    "Ik begrijp alleen tekst. Typ in een paar woorden wat er met je klant gebeurt, "
    'bijvoorbeeld: "klant vindt het te duur".'
)
LEEG = "Je bericht is leeg. Typ in een paar woorden wat er met je klant gebeurt."
TE_LANG = TE_LANG_TEKST  # the REST channel says the same
BEWERKT = "Aangepaste berichten lees ik niet. Stuur je aanpassing als nieuw bericht."
ONBEKEND_COMMANDO = "Dat commando ken ik niet. Typ /help om te zien wat ik kan."
ALLEEN_PRIVE = (
    "Ik coach alleen in een privégesprek, zodat je verkoop van jou blijft. "
    "Stuur me een bericht: https://t.me/{gebruikersnaam}"
)
GEWEIGERD = (
    "Sorry, deze coach is alleen voor de verkopers van de winkel. Wil je toegang? "
    "Geef je leidinggevende dit nummer: {gebruiker_id}."
)
KNOP_VERLOPEN = "Deze knop werkt niet meer. Typ /tips voor een nieuw menu."
AL_GEKOZEN = "Deze keuze heb je al gemaakt."
GEKOZEN_PREFIX = "✅ "
INTERNE_FOUT = "Er ging iets mis aan mijn kant. Probeer het nog eens."
KNOPPEN_ZONDER_TEKST = "Kies:"
TRAAG = "De coach is nu traag. Je bericht is niet kwijt: je krijgt het antwoord zodra het er is."
EERDER_ANTWOORD = "Het antwoord op je vorige bericht, dat eerder niet aankwam:"
RUSTIG_AAN = (
    "Rustig aan: je stuurt sneller dan ik kan antwoorden. Je laatste berichten heb ik "
    "overgeslagen; stuur ze nog eens als ik je vorige heb beantwoord."
)
