"""The layout families of :mod:`evals.synth_receipt_layouts` (conventions and sources there)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .synth_receipt_layouts import Paper, Sale, Writer, cents, clock, date_text, draw_sale, pick


def _card_block(p: Paper, rng: random.Random, brand: str, amount: str, *, label: str = "AMOUNT") -> None:
    """A card terminal's block: masked number, entry mode, approval, often the amount again."""
    p.left(f"{brand} {'*' * 12}{rng.randint(1000, 9999)}")
    if rng.random() < 0.5:
        p.left(pick(rng, "CHIP", "CONTACTLESS", "TAP", "INSERTED"))
    p.left(f"APPROVAL # {rng.randint(100000, 999999)}")
    if rng.random() < 0.5:
        p.left(f"AID A00000000{rng.choice(('31010', '41010', '25010'))}")
    if rng.random() < 0.6:
        p.pair(label, amount)  # the total printed a second time
    p.left(pick(rng, "APPROVED", "00 APPROVED - THANK YOU", "AUTH CODE 0" + str(rng.randint(10000, 99999))))


# --- US ------------------------------------------------------------------------------------------

_US_STORES = ("GREENLEAF MARKET", "FRESHWAY FOODS", "SUNRISE GROCERY", "VALLEY PHARMACY", "CORNER DRUG",
              "HOMETOWN HARDWARE", "BLUE RIVER MARKET", "MAPLE STREET FOODS", "PRAIRIE CO-OP")
_US_STREETS = ("1200 HARBOR BLVD", "455 ELM STREET", "88 WATERFRONT DR", "2301 N MAIN ST", "17 OAK AVE STE 4",
               "900 W BROADWAY", "4410 LAKESHORE RD")
_US_CITIES = (("SPRINGFIELD", "IL", "62704"), ("DAYTON", "OH", "45402"), ("PORTLAND", "ME", "04101"),
              ("AUSTIN", "TX", "78701"), ("BOISE", "ID", "83702"), ("SALEM", "OR", "97301"),
              ("MADISON", "WI", "53703"), ("ALBANY", "NY", "12207"))
_US_GROCERY = ("BANANAS", "WHOLE MILK 1 GAL", "EGGS LARGE 12CT", "WHEAT BREAD", "GROUND BEEF 1LB", "APPLES GALA",
               "PAPER TOWELS", "IBUPROFEN 200MG", "DISH SOAP", "CHEDDAR CHEESE", "ORANGE JUICE", "COFFEE 12OZ",
               "BATTERIES AA 8PK", "TOOTHPASTE")


def _us_phone(rng: random.Random) -> str:
    a, b = rng.randint(201, 989), rng.randint(1000, 9999)
    return pick(rng, f"({a}) 555-{b}", f"{a}-555-{b}", f"{a}.555.{b}")


def _us_address(rng: random.Random) -> tuple[list[str], str]:
    street, (city, state, zip_code) = rng.choice(_US_STREETS), rng.choice(_US_CITIES)
    town = f"{city}, {state} {zip_code}" if rng.random() < 0.8 else f"{city} {state} {zip_code}"
    if rng.random() < 0.8:
        return [street, town], f"{street}, {town}"
    return [f"{street}, {town}"], f"{street}, {town}"


def us_grocery(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    p = Paper(rng.choice((32, 36, 40)))
    name = rng.choice(_US_STORES)
    sale = draw_sale(rng, _US_GROCERY, 0.79, 14.99, discount=0.35, discount_words=("COUPON", "MFR COUPON", "STORE COUPON"))
    p.centre(name)
    if rng.random() < 0.3:
        p.centre(pick(rng, "Fresh every day", "Your neighborhood store", "Save more every day"))
    rows, address = _us_address(rng)
    for row in rows:
        p.centre(row)
    p.centre(pick(rng, "", "TEL ", "PHONE ") + _us_phone(rng))
    dated = f"{date_text(day, rng.choice(('mdy', 'mdy2', 'mdy2')))} {clock(rng, seconds=True)}"
    top_date = rng.random() < 0.4
    if top_date:
        p.left(dated)
    if rng.random() < 0.6:
        p.left(f"ST# {rng.randint(1000, 9999)} OP# {rng.randint(1, 99):02d} TE# {rng.randint(1, 30)} "
               f"TR# {rng.randint(1000, 99999):05d}")
    taxable = Decimal(0)
    for item, qty, unit in sale.items:
        flag = rng.choice(("N", "F", "T", "X"))
        price = cents(qty * unit)
        if flag in "TX":
            taxable += price
        code = str(rng.randint(10 ** 11, 10 ** 12 - 1)) if rng.random() < 0.5 else ""
        if qty > 1:
            p.left(f"{qty} @ {unit:.2f}", 2)
        label = f"{item} {code}".strip() if len(item) + len(code) + 10 < p.width else item
        p.pair(label, f"{price:.2f} {flag}")
    for word, amount in sale.discounts:
        p.pair(word, f"{amount:.2f}-" if rng.random() < 0.5 else f"-{amount:.2f}")
    subtotal = sale.gross
    rates = [Decimal(r) for r in rng.choice((("0.0825",), ("0.06",), ("0.0725",), ("0.0625", "0.0225")))]
    taxes = [cents(taxable * r) for r in rates]
    tax = sum(taxes, Decimal(0))
    total = subtotal + tax
    p.pair(pick(rng, "SUBTOTAL", "SUB TOTAL", "SUBTOTAL"), f"{subtotal:.2f}")
    for k, (rate, amount) in enumerate(zip(rates, taxes), 1):
        label = pick(rng, f"TAX {k} {rate * 100:.3f} %", "SALES TAX", f"TAX {rate * 100:.2f}%", "TAX")
        p.pair(label, f"{amount:.2f}")
    total_label = pick(rng, "TOTAL", "TOTAL", "**** TOTAL", "BALANCE DUE", "TOTAL DUE")
    p.pair(total_label, f"{total:.2f}" if rng.random() < 0.7 else f"${total:.2f}")
    if rng.random() < 0.5:
        cash = cents(max(total, Decimal(1)) // 10 * 10 + 10) if rng.random() < 0.5 else cents(total.to_integral_value() + 1)
        p.pair(pick(rng, "CASH", "CASH TEND"), f"{cash:.2f}")
        p.pair("CHANGE DUE", f"{cash - total:.2f}")
    else:
        brand = rng.choice(("VISA", "MASTERCARD", "DEBIT", "AMEX", "DISCOVER"))
        p.pair(f"{brand} TEND", f"{total:.2f}")
        p.pair("CHANGE DUE", "0.00")
        _card_block(p, rng, brand, f"{total:.2f}", label=pick(rng, "AMOUNT", "TOTAL", "AMOUNT:"))
    p.left(f"# ITEMS SOLD {sum(q for _, q, _ in sale.items)}")
    if sale.discounts or rng.random() < 0.3:
        p.pair(pick(rng, "YOU SAVED", "TOTAL SAVINGS", "YOUR SAVINGS TODAY"), f"{cents(rng.uniform(1, 9)):.2f}")
    if rng.random() < 0.4:
        p.left(f"REWARDS POINTS EARNED {rng.randint(10, 400)}")
    if not top_date:
        p.left(dated)
    p.centre(pick(rng, "THANK YOU FOR SHOPPING", "THANK YOU", "Thank you for shopping with us!"))
    return p, {"vendor_name": name, "vendor_address": address, "receipt_date": day, "total": total,
               "tax": tax, "subtotal": subtotal, "currency": "USD"}


_US_RESTAURANTS = (("THE HARBOR", "GRILL"), ("BLUE PLATE", "DINER"), ("CASA", "BONITA"), ("LUCKY", "NOODLE HOUSE"),
                   ("PINE RIDGE", "TAVERN"), ("SUNSET", "BISTRO"))
_US_DISHES = ("CLAM CHOWDER", "CAESAR SALAD", "CHEESEBURGER", "FISH TACOS", "ICED TEA", "DRAFT IPA", "HOUSE RED",
              "FRIES", "GRILLED SALMON", "PAD THAI", "BROWNIE SUNDAE", "SODA", "CHICKEN WINGS")


def us_restaurant(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    p = Paper(rng.choice((32, 36, 40)))
    first, second = rng.choice(_US_RESTAURANTS)
    if rng.random() < 0.4:  # a logo name set over two rows
        p.centre(first)
        p.centre(second)
    else:
        p.centre(f"{first} {second}")
    name = f"{first} {second}"
    rows, address = _us_address(rng)
    for row in rows:
        p.centre(row.title() if rng.random() < 0.3 else row)
    p.centre(_us_phone(rng))
    p.left(f"Server: {rng.choice(('Jen', 'Marco', 'Ashley', 'DJ', 'Sam'))}")
    p.pair(f"Table {rng.randint(1, 40)}", f"Guests {rng.randint(1, 6)}")
    p.left(f"Chk {rng.randint(100, 9999)}")
    style = rng.choice(("mon", "mdy", "mdy2"))
    p.left(f"{date_text(day, style)} {clock(rng, twelve=style != 'mdy2')}")
    sale = draw_sale(rng, _US_DISHES, 2.5, 29.0, discount=0.15, discount_words=("HAPPY HOUR", "DISCOUNT 10%"))
    for item, qty, unit in sale.items:
        p.pair(f"{qty} {item}", f"{cents(qty * unit):.2f}")
    for word, amount in sale.discounts:
        p.pair(word, f"-{amount:.2f}")
    subtotal = sale.gross
    tax = cents(subtotal * Decimal(rng.choice(("0.055", "0.0875", "0.07", "0.1025"))))
    due = subtotal + tax
    p.pair(pick(rng, "Subtotal", "SUBTOTAL", "Sub Total", "Food & Bev"), f"{subtotal:.2f}")
    p.pair(pick(rng, "Tax", "Sales Tax", "TAX"), f"{tax:.2f}")
    slip = rng.random() < 0.55
    tip = cents(subtotal * Decimal(rng.choice(("0.15", "0.18", "0.20", "0.22")))) if slip else None
    p.pair(pick(rng, "Total", "TOTAL", "Amount Due", "Balance Due"), f"{due:.2f}")
    if rng.random() < 0.5:  # the tip guide printed under the total
        p.left("Suggested Tip:")
        for share in (18, 20, 22):
            p.pair(f"{share}%", f"${cents(subtotal * share / 100):.2f}")
    total = due
    if slip and tip is not None:
        total = due + tip
        brand = rng.choice(("VISA", "MASTERCARD", "AMEX"))
        p.rule("=")
        p.left(f"{brand} {'X' * 12}{rng.randint(1000, 9999)}")
        p.left(f"Auth: {rng.randint(100000, 999999)}")
        p.pair(pick(rng, "Amount:", "Purchase", "AMOUNT"), f"{due:.2f}")
        p.pair(pick(rng, "+ Tip:", "Tip", "TIP", "Gratuity"), f"{tip:.2f}")
        p.pair(pick(rng, "= Total:", "Total", "TOTAL"), f"{total:.2f}")
        p.left("X____________________")
        p.centre("Customer Copy")
    elif rng.random() < 0.5:
        p.cash(due, 10)
    p.centre(pick(rng, "Thank you! Come again", "Thanks for dining with us", "Follow us @" + first.lower()))
    return p, {"vendor_name": name, "vendor_address": address, "receipt_date": day, "total": total,
               "tax": tax, "subtotal": subtotal, "currency": "USD"}


# --- UK ------------------------------------------------------------------------------------------

_UK_SHOPS = ("THE CROWN & ANCHOR", "HIGH STREET NEWS", "Greens Grocers", "THE RED LION", "Kingsway Pharmacy",
             "BRIDGE STREET BAKERY", "The Old Mill Cafe")
_UK_STREETS = ("14 High Street", "2 Market Place", "77 Station Road", "Unit 5, Riverside Retail Park",
               "101 Church Lane")
_UK_TOWNS = (("Anytown", "AB1 2CD"), ("Oxford", "OX1 3BG"), ("Leeds", "LS1 4AP"), ("Bristol", "BS1 5TR"),
             ("London", "SW1A 1AA"), ("York", "YO1 7HH"))
_UK_GOODS = ("Pint Best Bitter", "Fish & Chips", "Flat White", "Sausage Roll", "Milk 2 Pints", "Sourdough Loaf",
             "Paracetamol 16", "Crisps", "Lemonade", "Scone", "Newspaper", "Chocolate Bar", "Lager Pint")


def uk_shop(rng: random.Random, day: dt.date) -> tuple[Paper, dict[str, object]]:
    p = Paper(rng.choice((32, 36, 42)))
    name = rng.choice(_UK_SHOPS)
    p.centre(name)
    street, (town, postcode) = rng.choice(_UK_STREETS), rng.choice(_UK_TOWNS)
    layout = rng.random()
    if layout < 0.4:
        parts = [street, town, postcode]
    elif layout < 0.8:
        parts = [street, f"{town} {postcode}"]
    else:
        parts = [f"{street}, {town} {postcode}"]
    for row in parts:
        p.centre(row)
    number = rng.choice((f"020 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}",
                         f"0{rng.randint(113, 191)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                         f"0{rng.randint(1200, 1999)} {rng.randint(100000, 999999)}"))
    p.centre(f"{pick(rng, 'Tel: ', 'Tel ', '')}{number}")
    p.centre(f"VAT Reg No: GB {rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}")
    sale = draw_sale(rng, _UK_GOODS, 0.8, 9.0, discount=0.25, discount_words=("Meal Deal Saving", "Promotion"))
    pound = rng.random() < 0.6
    for item, qty, unit in sale.items:
        text = f"{qty} x {item}" if qty > 1 else item
        p.pair(text, f"{'£' if pound else ''}{cents(qty * unit):.2f}")
    for word, amount in sale.discounts:
        p.pair(word, f"-{'£' if pound else ''}{amount:.2f}")
    total = sale.gross
    vat = cents(total / 6)  # 20% included
    p.rule()
    p.pair(pick(rng, "TOTAL", "BALANCE DUE", "TOTAL TO PAY", "Total"), f"£{total:.2f}")
    if rng.random() < 0.5:
        p.pair(pick(rng, "CONTACTLESS", "Visa Debit", "CARD", "Mastercard"), f"£{total:.2f}")
        if rng.random() < 0.5:
            p.left(f"************{rng.randint(1000, 9999)}")
            p.left(f"AUTH CODE: {rng.randint(100000, 999999)}")
    else:
        p.cash(total, 5, labels=("CASH", pick(rng, "CHANGE", "Change due")), sign="£")
    if rng.random() < 0.5:
        p.three("VAT RATE", "NET", "VAT")
        p.three("A 20.00%", f"{total - vat:.2f}", f"{vat:.2f}")
        subtotal = None
    else:
        p.pair(pick(rng, "VAT @ 20%", "VAT 20%", "Incl. VAT 20%"), f"£{vat:.2f}")
        subtotal = None
    if rng.random() < 0.4:
        p.left(f"Points earned today: {rng.randint(1, 60)}")
    style = rng.choice(("dmy", "dmy", "dmy2", "dmon"))
    p.left(f"{date_text(day, style)} {clock(rng)}  Till {rng.randint(1, 9)}  Trans {rng.randint(1000, 9999)}")
    p.centre(pick(rng, "Thank you for your custom", "Please retain for your records", "Thank you, see you soon"))
    return p, {"vendor_name": name, "vendor_address": ", ".join(parts), "receipt_date": day, "total": total,
               "tax": vat, "subtotal": subtotal, "currency": "GBP"}


WRITERS: dict[str, Writer] = {"us_grocery": us_grocery, "us_restaurant": us_restaurant, "uk_shop": uk_shop}
