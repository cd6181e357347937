"""Layout families of Germany, southern Europe, Australia and Singapore (see
:mod:`evals.synth_receipt_layouts` for the conventions and their sources)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .synth_receipt_layouts import Paper, cents, clock, date_text, draw_sale, pick

# --- Germany -------------------------------------------------------------------------------------

_DE_SHOPS = ("Café Lindenhof", "Bäckerei Schmidt", "Getränke Krause GmbH", "Apotheke am Markt", "Buchhandlung Weber",
             "Metzgerei Huber", "Eiscafé Venezia")
_DE_STREETS = ("Lindenstraße 12", "Hauptstr. 5", "Marktplatz 3", "Bahnhofstraße 44a", "Schillerweg 7")
_DE_TOWNS = ("10115 Berlin", "80331 München", "50667 Köln", "20095 Hamburg", "04109 Leipzig", "69117 Heidelberg")
_DE_GOODS = ("Cappuccino", "Croissant", "Brezel", "Apfelschorle", "Kaffee Crema", "Mineralwasser 0,5l",
             "Roggenbrot", "Aspirin 20 St.", "Taschenbuch", "Käsekuchen", "Milch 1l", "Butter 250g")


def de_shop(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    p = Paper(rng.choice((32, 38, 42)), comma=True)
    name = rng.choice(_DE_SHOPS)
    p.centre(name)
    street, town = rng.choice(_DE_STREETS), rng.choice(_DE_TOWNS)
    p.centre(street)
    p.centre(town)
    p.centre(f"{pick(rng, 'Tel. ', 'Tel: ', 'Telefon ')}0{rng.randint(30, 899)} {rng.randint(100000, 9999999)}")
    if rng.random() < 0.6:
        p.centre(pick(rng, f"USt-IdNr.: DE{rng.randint(10 ** 8, 10 ** 9 - 1)}",
                       f"St.-Nr. {rng.randint(10, 99)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}"))
    top_date = rng.random() < 0.5
    dated = f"{date_text(day, rng.choice(('dmy.', 'dmy.', 'dmy.2')))} {clock(rng)}"
    if top_date:
        p.pair(dated, f"Bon-Nr. {rng.randint(100, 99999)}")
    sale = draw_sale(rng, _DE_GOODS, 0.9, 8.0, discount=0.15, discount_words=("Rabatt", "Pfand zurück"))
    by_rate = {"A": Decimal(0), "B": Decimal(0)}
    for item, qty, unit in sale.items:
        code = rng.choice("AB")
        price = cents(qty * unit)
        by_rate[code] += price
        if qty > 1:
            p.left(f"{qty} x {p.money(unit)}", 2)
        p.pair(item, f"{p.money(price)} {code}")
    for word, amount in sale.discounts:
        p.pair(word, f"-{p.money(amount)} A")
        by_rate["A"] -= amount
    total = sale.gross
    p.rule()
    p.pair(pick(rng, "Summe EUR", "SUMME", "Zu zahlen", "Gesamt", "SUMME EUR"),
           p.money(total, after=rng.choice(("", "", " €"))))
    if rng.random() < 0.5:
        p.cash(total, 10, labels=(pick(rng, "Gegeben BAR", "Bar", "BAR"), pick(rng, "Rückgeld", "Zurück", "Rückgeld BAR")))
    else:
        p.pair(pick(rng, "EC-Karte", "Girocard", "Kartenzahlung", "VISA"), p.money(total))
    taxes = {}
    for code, rate in (("A", Decimal("0.19")), ("B", Decimal("0.07"))):
        if by_rate[code] > 0:
            taxes[code] = cents(by_rate[code] * rate / (1 + rate))
    if rng.random() < 0.6:
        p.left("MwSt%     Netto    MwSt   Brutto")
        for code, amount in taxes.items():
            rate = "19%" if code == "A" else "7%"
            p.left(f"{code} {rate}  {p.money(by_rate[code] - amount)}  {p.money(amount)}  {p.money(by_rate[code])}")
    else:
        for code, amount in taxes.items():
            p.pair(f"{pick(rng, 'enth. MwSt', 'MwSt', 'inkl. MwSt')} {'19' if code == 'A' else '7'}%", p.money(amount))
    if not top_date:
        p.left(dated)
    if rng.random() < 0.6:
        p.left(f"TSE-Start: {day.isoformat()}T{clock(rng, seconds=True)}")
        p.left(f"TSE-Signatur: {rng.randint(10 ** 15, 10 ** 16 - 1):x}")
    p.centre(pick(rng, "Vielen Dank für Ihren Einkauf!", "Danke und bis bald", "Vielen Dank!"))
    return p, {"vendor_name": name, "vendor_address": f"{street}, {town}", "receipt_date": day, "total": total,
               "tax": sum(taxes.values(), Decimal(0)), "subtotal": None, "currency": "EUR"}


# --- France, Italy, Spain ------------------------------------------------------------------------

_SOUTH = {
    "fr": (("Boulangerie Dupont", "Café de la Gare", "Pharmacie Centrale", "Librairie du Parc"),
           ("12 rue de la Paix", "3 place du Marché", "45 avenue Jean Jaurès"),
           ("75002 PARIS", "69001 LYON", "13001 MARSEILLE", "33000 Bordeaux"),
           ("Croissant", "Baguette", "Café crème", "Pain au chocolat", "Eau minérale", "Quiche lorraine"),
           "TVA", ("20", "10", "5.5"), ("TOTAL TTC", "TOTAL", "Total TTC", "A PAYER"),
           ("CB", "Carte bancaire", "ESPECES"), ("Rendu", "RENDU MONNAIE"), ("Total HT", "HT"),
           lambda rng: f"SIRET {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)} 000{rng.randint(10, 99)}",
           lambda rng: f"Tél : 0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
           "Merci de votre visite"),
    "it": (("Bar Centrale", "Trattoria da Mario", "Farmacia San Marco", "Panificio Rossi"),
           ("Via Roma 12", "Corso Italia 45", "Piazza Garibaldi 3"),
           ("00184 Roma RM", "20121 Milano MI", "50123 Firenze FI", "80132 Napoli NA"),
           ("Caffè", "Cornetto", "Acqua naturale", "Pizza margherita", "Tiramisù", "Spremuta"),
           "di cui IVA", ("22", "10"), ("TOTALE COMPLESSIVO", "TOTALE", "TOTALE EURO"),
           ("CONTANTI", "PAGAMENTO ELETTRONICO", "CARTA"), ("RESTO",), ("IMPONIBILE",),
           lambda rng: f"P.IVA {rng.randint(10 ** 10, 10 ** 11 - 1)}",
           lambda rng: f"Tel. 0{rng.randint(2, 89)} {rng.randint(100000, 9999999)}", "Grazie e arrivederci"),
    "es": (("Cafetería La Plaza", "Farmacia López", "Panadería San José", "Bar El Puerto"),
           ("C/ Mayor 12", "Avda. de la Constitución 8", "Plaza España 3"),
           ("28013 Madrid", "08002 Barcelona", "41001 Sevilla", "46001 Valencia"),
           ("Café con leche", "Tostada", "Zumo naranja", "Croissant", "Agua mineral", "Bocadillo"),
           "IVA", ("21", "10"), ("TOTAL", "TOTAL EUR", "Total a pagar"),
           ("Efectivo", "Tarjeta", "TARJETA"), ("Cambio",), ("Base imponible", "BASE"),
           lambda rng: f"NIF B{rng.randint(10 ** 7, 10 ** 8 - 1)}",
           lambda rng: f"Tel. {rng.randint(900, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
           "Gracias por su visita"),
}


def eu_south(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    land = rng.choice(sorted(_SOUTH))
    shops, streets, towns, goods, tax_word, rates, totals, tenders, changes, nets, reg, phone, thanks = _SOUTH[land]
    p = Paper(rng.choice((32, 38, 42)), comma=True)
    name, street, town = rng.choice(shops), rng.choice(streets), rng.choice(towns)
    p.centre(name)
    p.centre(street)
    p.centre(town)
    p.centre(phone(rng))
    p.centre(reg(rng))
    euro_after = rng.random() < 0.5
    sale = draw_sale(rng, goods, 0.9, 16.0, discount=0.1, discount_words=("Remise", "Sconto", "Descuento"))
    for item, qty, unit in sale.items:
        price = p.money(cents(qty * unit), after=" €" if euro_after else "")
        p.pair(f"{qty} x {item}" if qty > 1 else item, price)
    for word, amount in sale.discounts:
        p.pair(word, f"-{p.money(amount)}")
    total = sale.gross
    rate = Decimal(rng.choice(rates)) / 100
    tax = cents(total * rate / (1 + rate))
    p.rule()
    p.pair(rng.choice(totals), p.money(total, sign="" if euro_after else rng.choice(("", "€ ", "EUR ")),
                                       after=" €" if euro_after else ""))
    tender = rng.choice(tenders)
    if tender in ("ESPECES", "CONTANTI", "Efectivo"):
        p.cash(total, 5, labels=(tender, rng.choice(changes)))
    else:
        p.pair(tender, p.money(total))
    if rng.random() < 0.6:
        p.pair(f"{rng.choice(nets)}", p.money(total - tax))
    p.pair(f"{tax_word} {p.money(rate * 100).replace(',00', '')}%", p.money(tax))
    style = rng.choice(("dmy", "dmy-", "dmy2"))
    p.left(f"{date_text(day, style)} {clock(rng)}")
    p.centre(thanks)
    return p, {"vendor_name": name, "vendor_address": f"{street}, {town}", "receipt_date": day, "total": total,
               "tax": tax, "subtotal": None, "currency": "EUR"}


# --- Australia -----------------------------------------------------------------------------------

_AU_SHOPS = ("BEAN COUNTER CAFE", "Harbourside Pharmacy", "BONDI BAKEHOUSE", "The Corner Deli", "SOUTHERN CROSS NEWS")
_AU_STREETS = ("Shop 4, 120 George St", "22 Chapel Street", "Level 1, 8 Queen St", "301 Hay Street")
_AU_TOWNS = ("Sydney NSW 2000", "Melbourne VIC 3000", "Brisbane QLD 4000", "Perth WA 6000", "Hobart TAS 7000")
_AU_GOODS = ("Flat White", "Long Black", "Banana Bread", "Avo Toast", "Meat Pie", "Sausage Roll", "Lamington",
             "Panadol 20pk", "Newspaper", "Iced Latte", "Ham & Cheese Toastie")


def au_cafe(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    p = Paper(rng.choice((32, 36, 40)))
    if rng.random() < 0.6:
        p.centre("TAX INVOICE")
    name, street, town = rng.choice(_AU_SHOPS), rng.choice(_AU_STREETS), rng.choice(_AU_TOWNS)
    p.centre(name)
    p.centre(f"ABN {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}")
    two_rows = rng.random() < 0.7
    if two_rows:
        p.centre(street)
        p.centre(town)
    else:
        p.centre(f"{street}, {town}")
    p.centre(pick(rng, "Ph ", "Phone: ", "") + f"(0{rng.choice('2378')}) {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}")
    style = rng.choice(("dmy", "dmy", "dmonyyyy", "dmy2"))
    p.left(f"{date_text(day, style)} {clock(rng, twelve=rng.random() < 0.3)}")
    if rng.random() < 0.5:
        p.left(f"Order #{rng.randint(1, 300)}  Table {rng.randint(1, 30)}")
    sale = draw_sale(rng, _AU_GOODS, 3.0, 15.0, discount=0.1, discount_words=("Loyalty Reward", "Staff Discount"))
    for item, qty, unit in sale.items:
        p.pair(f"{qty} {item}" if rng.random() < 0.5 else f"{item} x{qty}", f"${cents(qty * unit):.2f}")
    for word, amount in sale.discounts:
        p.pair(word, f"-${amount:.2f}")
    goods = sale.gross
    surcharge = cents(goods * Decimal("0.015")) if rng.random() < 0.3 else Decimal(0)
    total = goods + surcharge
    gst = cents(total / 11)
    subtotal = None
    if surcharge or rng.random() < 0.3:
        subtotal = goods
        p.pair("Subtotal", f"${goods:.2f}")
    if surcharge:
        p.pair("Card Surcharge 1.5%", f"${surcharge:.2f}")
    p.pair(pick(rng, "TOTAL", "Total", "TOTAL AUD", "Total (inc GST)"), f"${total:.2f}")
    p.pair(pick(rng, "GST included", "Includes GST of", "GST", "Total includes GST"), f"${gst:.2f}")
    if rng.random() < 0.7:
        p.pair(pick(rng, "EFTPOS", "Card", "VISA", "Mastercard"), f"${total:.2f}")
        if rng.random() < 0.5:
            p.left(f"CARD NO: XXXX XXXX XXXX {rng.randint(1000, 9999)}")
            p.left("APPROVED 00")
    else:
        p.cash(total, 5, sign="$")
    p.centre(pick(rng, "Thanks! See you tomorrow", "Have a great day", "Follow us on Instagram"))
    return p, {"vendor_name": name, "vendor_address": f"{street}, {town}", "receipt_date": day, "total": total,
               "tax": gst, "subtotal": subtotal, "currency": "AUD"}


# --- Singapore -----------------------------------------------------------------------------------

_SG_SHOPS = ("KOPI CORNER PTE LTD", "Lion City Bistro", "ORCHID MART PTE LTD", "Tanjong Books", "MERLION MEDICAL HALL")
_SG_STREETS = ("1 Raffles Place #01-23", "391 Orchard Road #B1-05", "50 Jurong Gateway Rd #02-14",
               "Blk 123 Toa Payoh Lor 1 #01-456")
_SG_CODES = ("048616", "238872", "608549", "310123")
_SG_GOODS = ("Kopi O", "Teh Tarik", "Kaya Toast Set", "Chicken Rice", "Laksa", "Iced Lemon Tea", "Char Kway Teow",
             "Barley Drink", "Panadol", "Mineral Water")


def sg_shop(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    p = Paper(rng.choice((32, 38, 42)))
    name, street = rng.choice(_SG_SHOPS), rng.choice(_SG_STREETS)
    town = f"Singapore {rng.choice(_SG_CODES)}"
    p.centre(name)
    p.centre(street)
    p.centre(town if rng.random() < 0.6 else town.upper())
    p.centre(f"{pick(rng, 'Tel: ', 'Tel ', 'Phone: ')}{rng.choice('689')}{rng.randint(100, 999)} {rng.randint(1000, 9999)}")
    p.centre(pick(rng, "GST Reg No: ", "UEN: ", "GST REG NO. ") + f"{rng.randint(199000000, 202599999)}{rng.choice('KMNWZ')}")
    style = rng.choice(("dmy", "dmy", "iso", "dmy-"))
    p.left(f"Date: {date_text(day, style)}" if rng.random() < 0.5 else f"{date_text(day, style)} {clock(rng)}")
    if rng.random() < 0.6:
        p.pair(f"Cashier: {rng.choice(('Ah Hock', 'Mei Ling', 'Raj'))}", f"Table {rng.randint(1, 40)}")
    sale = draw_sale(rng, _SG_GOODS, 1.2, 12.0, discount=0.15, discount_words=("Member Disc", "DISCOUNT"))
    for item, qty, unit in sale.items:
        p.three(item, str(qty), f"{cents(qty * unit):.2f}")
    for word, amount in sale.discounts:
        p.pair(word, f"-{amount:.2f}")
    subtotal = sale.gross
    service = cents(subtotal * Decimal("0.10")) if rng.random() < 0.5 else Decimal(0)
    gst = cents((subtotal + service) * Decimal("0.09"))
    total = subtotal + service + gst
    p.pair(pick(rng, "Subtotal", "SUB-TOTAL", "Sub Total"), f"{subtotal:.2f}")
    if service:
        p.pair(pick(rng, "Svc Chg 10%", "Service Charge 10%", "10% SVC CHG"), f"{service:.2f}")
    p.pair(pick(rng, "GST 9%", "9% GST", "GST @ 9%"), f"{gst:.2f}")
    p.pair(pick(rng, "Total", "TOTAL", "Grand Total", "TOTAL (S$)"), f"{'S$' if rng.random() < 0.4 else ''}{total:.2f}")
    if rng.random() < 0.6:
        p.pair(pick(rng, "NETS", "VISA", "MASTER", "PayNow"), f"{total:.2f}")
    else:
        p.cash(total, 10)
    p.centre(pick(rng, "Thank you! Please come again", "Prices are inclusive of GST where stated", "Thank You"))
    return p, {"vendor_name": name, "vendor_address": f"{street}, {town}", "receipt_date": day, "total": total,
               "tax": gst, "subtotal": subtotal, "currency": "SGD"}
