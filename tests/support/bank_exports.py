"""Bank exports written by hand in the layouts the banks document: headers, signs and dates as
each bank writes them, a few lines each (the merchants are made up)."""

from __future__ import annotations

#: Monzo: ``Amount`` in the account's currency (spend negative); ``Local amount`` /
#: ``Local currency`` as the purchase was made (abroad: before conversion).
MONZO = ("Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,Local currency,"
         "Notes and #tags,Address,Receipt,Description,Category split,Money Out,Money In\n"
         "tx_0000A1,14/03/2025,12:01:33,Card payment,Le Petit Cafe,,Eating out,-27.12,GBP,-31.80,EUR,,,,"
         "LE PETIT CAFE PARIS FRA,,-27.12,\n"
         "tx_0000A2,15/03/2025,09:10:00,Card payment,Pret A Manger,,Eating out,-4.20,GBP,-4.20,GBP,,,,"
         "PRET A MANGER LONDON GBR,,-4.20,\n")

#: Revolut's account statement: ``Started Date`` when the card was used, ``Completed Date`` when
#: it settled, spend negative, the currency of the account (pocket) in its own column.
REVOLUT = ("Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance\n"
           "CARD_PAYMENT,Current,2025-03-14 12:01:33,2025-03-15 08:10:11,Le Petit Cafe,-31.80,0.00,EUR,COMPLETED,"
           "1168.20\n"
           "CARD_PAYMENT,Current,2025-03-15 19:45:02,2025-03-17 06:12:40,Uber,-18.40,0.00,EUR,COMPLETED,1149.80\n"
           "TOPUP,Current,2025-03-16 09:00:00,2025-03-16 09:00:02,Top-Up by *4821,200.00,0.00,EUR,COMPLETED,1349.80\n")

#: Revolut's statement keeps card payments that moved no money, with their ``State``.
REVOLUT_STATES = (REVOLUT.splitlines()[0] + "\n"
                  "CARD_PAYMENT,Current,2025-03-14 12:01:33,,Le Petit Cafe,-31.80,0.00,EUR,DECLINED,\n"
                  "CARD_PAYMENT,Current,2025-03-14 12:03:10,2025-03-15 08:10:11,Le Petit Cafe,-31.80,0.00,EUR,COMPLETED,"
                  "1168.20\n"
                  "CARD_PAYMENT,Current,2025-03-15 19:45:02,,Uber,-18.40,0.00,EUR,REVERTED,\n"
                  "CARD_PAYMENT,Current,2025-03-16 08:00:00,,Uber,-9.10,0.00,EUR,PENDING,\n")

#: Wise's balance statement: its own id, day-month-year dates, spend negative, the card's last
#: four digits and the merchant in columns of their own.
WISE = ('"TransferWise ID",Date,Amount,Currency,Description,"Payment Reference","Running Balance",'
        '"Exchange From","Exchange To","Exchange Rate","Payer Name","Payee Name","Payee Account Number",'
        'Merchant,"Card Last Four Digits","Card Holder Full Name",Attachment,Note,"Total fees"\n'
        'CARD-1234567890,14-03-2025,-31.80,EUR,"Card transaction of 31.80 EUR issued by Le Petit Cafe PARIS",,'
        '1168.20,,,,,,,"Le Petit Cafe",4821,"JANE DOE",,,0.00\n'
        'CARD-1234567891,15-03-2025,-18.40,EUR,"Card transaction of 18.40 EUR issued by Uber *Trip HELP.UBER.COM",,'
        '1149.80,,,,,,,"Uber",4821,"JANE DOE",,,0.00\n'
        'TRANSFER-987654321,16-03-2025,200.00,EUR,"Received money from JANE DOE with reference rent",rent,'
        '1349.80,,,,"JANE DOE",,,,,,,,0.00\n')

#: Wise's balance statement as exported since 2025, of a GBP balance: a card payment abroad is
#: charged in GBP (``Amount``) and carries the spend as made in ``Exchange To`` /
#: ``Exchange To Amount`` (``Exchange Rate`` the rate applied, ``Total fees`` already in ``Amount``).
WISE_ABROAD = ('"TransferWise ID",Date,"Date Time",Amount,Currency,Description,"Payment Reference",'
               '"Running Balance","Exchange From","Exchange To","Exchange Rate","Payer Name","Payee Name",'
               '"Payee Account Number",Merchant,"Card Last Four Digits","Card Holder Full Name",Attachment,Note,'
               '"Total fees","Exchange To Amount","Transaction Type","Transaction Details Type"\n'
               'CARD-2234567890,14-03-2025,"14-03-2025 12:01:33.412",-27.43,GBP,'
               '"Card transaction of 31.80 EUR issued by Le Petit Cafe PARIS",,972.57,GBP,EUR,1.16271,,,,'
               '"Le Petit Cafe",4821,"JANE DOE",,,0.08,31.80,DEBIT,CARD\n'
               'CARD-2234567891,15-03-2025,"15-03-2025 09:10:02.001",-4.20,GBP,'
               '"Card transaction of 4.20 GBP issued by Pret A Manger LONDON",,968.37,,,,,,,'
               '"Pret A Manger",4821,"JANE DOE",,,0.00,,DEBIT,CARD\n')

#: Starling's statement: the merchant under ``Counter Party``, amounts and balance named in the
#: account's currency, spend negative.
STARLING = ("Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes\n"
            "14/03/2025,Pret A Manger,PRET A MANGER LONDON GB,CONTACTLESS,-4.20,995.80,EATING_OUT,\n"
            "15/03/2025,Greenleaf Market,GREENLEAF MARKET LONDON GB,CHIP AND PIN,-31.98,963.82,GROCERIES,\n"
            "16/03/2025,Jane Doe,RENT,FASTER PAYMENT,200.00,1163.82,INCOME,\n")

#: HSBC UK's download: no header row at all, date, description, amount (spend negative).
HSBC_UK = ("14/03/2025,PRET A MANGER LONDON,-4.20\n"
           "15/03/2025,GREENLEAF MARKET LONDON,-31.98\n"
           "16/03/2025,JANE DOE RENT,200.00\n")

#: Bank of America's checking download: a summary block with its own header above the table,
#: a beginning-balance line with no amount, thousands separators, month-first dates.
BANK_OF_AMERICA = ("Description,,Summary Amt.\n"
                   'Beginning balance as of 03/01/2025,,"1,234.56"\n'
                   'Total credits,,"2,500.00"\n'
                   'Total debits,,"-1,100.00"\n'
                   'Ending balance as of 03/31/2025,,"2,634.56"\n'
                   "\n"
                   "Date,Description,Amount,Running Bal.\n"
                   '03/01/2025,Beginning balance as of 03/01/2025,,"1,234.56"\n'
                   '03/14/2025,"GREENLEAF MARKET 03/13 PURCHASE SPRINGFIELD IL","-31.98","1,202.58"\n'
                   '03/15/2025,"ACME CORP DES:PAYROLL ID:1234567 INDN:JANE DOE","2,500.00","3,702.58"\n'
                   '03/17/2025,"CORNERSTONE PHARMACY 03/16 PURCHASE SPRINGFIELD IL","-35.23","3,667.35"\n')

#: Bank of America's credit card download: posted date, reference number, payee, purchases negative.
BANK_OF_AMERICA_CARD = ("Posted Date,Reference Number,Payee,Address,Amount\n"
                        '03/14/2025,24492155073200000000001,"GREENLEAF MARKET SPRINGFIELD IL","SPRINGFIELD IL",-31.98\n'
                        '03/20/2025,24492155079200000000002,"PAYMENT - THANK YOU","",500.00\n')

#: Wells Fargo's download: no header row; date, amount (spend negative), an asterisk, the check
#: number (empty but for checks), the description; every cell quoted.
WELLS_FARGO = ('"03/14/2025","-31.98","*","","PURCHASE AUTHORIZED ON 03/13 GREENLEAF MARKET SPRINGFIELD IL '
               'S385072529 CARD 4821"\n'
               '"03/15/2025","2500.00","*","","ACME CORP PAYROLL 250315 JANE DOE"\n'
               '"03/17/2025","-120.00","*","1043","CHECK # 1043"\n')

#: Chase's card download: the purchase day and the posting, spend negative, month-first dates.
CHASE = ("Transaction Date,Post Date,Description,Category,Type,Amount,Memo\n"
         "03/14/2025,03/15/2025,GREENLEAF MARKET #0042,Groceries,Sale,-31.98,\n"
         "03/15/2025,03/17/2025,UBER   *TRIP,Travel,Sale,-18.40,\n"
         "03/20/2025,03/20/2025,Payment Thank You-Mobile,,Payment,500.00,\n")

#: Chase's checking download: ``Details`` holds DEBIT/CREDIT, the merchant is in ``Description``.
CHASE_CHECKING = ("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
                  'DEBIT,03/14/2025,"GREENLEAF MARKET #0042 SPRINGFIELD IL",-31.98,DEBIT_CARD,1530.02,,\n'
                  'DEBIT,03/15/2025,"UBER   *TRIP",-18.40,DEBIT_CARD,1511.62,,\n')

#: American Express's US download (``activity.csv``): charges positive, the address as ``City/State``
#: and ``Zip Code`` (its UK download says ``Town/City`` and ``Postcode`` and writes the day first).
AMEX_US = ("Date,Description,Amount,Extended Details,Appears On Your Statement As,Address,City/State,"
           "Zip Code,Country,Reference,Category\n"
           "03/14/2025,GREENLEAF MARKET #42,31.98,,GREENLEAF MARKET #42,1 MAIN ST,\"SPRINGFIELD\nIL\",62701,"
           "UNITED STATES,'320250740012345678',Merchandise & Supplies-Groceries\n"
           "03/15/2025,UBER TRIP,18.40,,UBER TRIP,,,,,'320250740012345679',Transportation-Taxis & Coach\n")

#: Capital One's card download: both dates, the card's last four, debits and credits apart.
CAPITAL_ONE = ("Transaction Date,Posted Date,Card No.,Description,Category,Debit,Credit\n"
               "2025-03-14,2025-03-15,4821,GREENLEAF MARKET #0042,Merchandise,31.98,\n"
               "2025-03-15,2025-03-17,4821,UBER   *TRIP,Other Travel,18.40,\n"
               "2025-03-20,2025-03-20,4821,CAPITAL ONE AUTOPAY PYMT,Payment/Credit,,500.00\n")

#: Citi's card download: a status column, debits and credits apart.
CITI = ("Status,Date,Description,Debit,Credit\n"
        "Cleared,03/14/2025,GREENLEAF MARKET SPRINGFIELD IL,31.98,\n"
        "Cleared,03/20/2025,AUTOPAY 000000000012345RAUTOPAY AUTO-PMT,,-500.00\n")

#: Discover's card download: purchases positive, the payment negative.
DISCOVER = ("Trans. Date,Post Date,Description,Amount,Category\n"
            "03/14/2025,03/15/2025,GREENLEAF MARKET SPRINGFIELD IL,31.98,Supermarkets\n"
            "03/15/2025,03/17/2025,UBER TRIP HELP.UBER.COM CA,18.40,Travel/ Entertainment\n"
            "03/20/2025,03/20/2025,INTERNET PAYMENT - THANK YOU,-500.00,Payments and Credits\n")

#: Barclays UK: the account as sort code and number, spend negative, the merchant in ``Memo``.
BARCLAYS = ("Number,Date,Account,Amount,Subcategory,Memo\n"
            ",14/03/2025,20-32-06 13152170,-4.20,Debit,PRET A MANGER    ON 13 MAR          CLP\n"
            ",15/03/2025,20-32-06 13152170,-31.98,Debit,GREENLEAF MARKET ON 14 MAR          BCC\n"
            ",16/03/2025,20-32-06 13152170,200.00,Counter Credit,JANE DOE RENT                   BGC\n")

#: N26: spend negative in the account's currency, and a foreign purchase's own amount and currency.
N26 = ('"Date","Payee","Account number","Transaction type","Payment reference","Amount (EUR)",'
       '"Amount (Foreign Currency)","Type Foreign Currency","Exchange Rate"\n'
       '"2025-03-14","Pret A Manger","","MasterCard Payment","","-4.92","-4.20","GBP","1.1714"\n'
       '"2025-03-15","Greenleaf Markt","","MasterCard Payment","","-31.98","","",""\n'
       '"2025-03-16","Jane Doe","DE89370400440532013000","Income","rent","200.00","","",""\n')

#: Wise's balance statement as exported before 2025 (the 19 columns of :data:`WISE`, no ``Exchange
#: To Amount``), of a GBP balance.  A card payment abroad gives only the charge (``Amount``, fee
#: included), ``Exchange From`` / ``Exchange To`` and the rate: one unit of ``Exchange From`` is
#: ``Exchange Rate`` units of ``Exchange To``, applied to the charge less ``Total fees``
#: (27.43 - 0.08 = 27.35 GBP x 1.16271 = 31.80 EUR).  A conversion between the account's own
#: balances has a ``BALANCE-`` id and both currencies.  How certain: the 19 headers are those of
#: :data:`WISE`, quoted alike by several independent importers; the rate's direction and the fee
#: taken off first agree with two exports published whole in the 2025 layout (a HUF balance paying
#: 15.19 EUR: (5434.98 - 30.00) x 0.00281; 27.43 GBP above); the ``BALANCE-`` ids and ``Converted
#: ... to ...`` descriptions with both currencies appear in three importers' fixtures.  The lines
#: are made up.
WISE_CLASSIC = (WISE.splitlines()[0] + "\n"
                'CARD-3234567890,14-03-2025,-27.43,GBP,"Card transaction of 31.80 EUR issued by Le Petit Cafe PARIS",,'
                '972.57,GBP,EUR,1.16271,,,,"Le Petit Cafe",4821,"JANE DOE",,,0.08\n'
                'BALANCE-3234567891,15-03-2025,-100.00,GBP,"Converted 100.00 GBP to 116.00 EUR",,872.57,GBP,EUR,'
                '1.16271,,,,,,,,,0.23\n'
                'CARD-3234567892,15-03-2025,-4.20,GBP,"Card transaction of 4.20 GBP issued by Pret A Manger LONDON",,'
                '868.37,,,,,,,"Pret A Manger",4821,"JANE DOE",,,0.00\n'
                'TRANSFER-3234567893,16-03-2025,200.00,GBP,"Money added to GBP balance",,1068.37,BRL,GBP,0.13900,'
                ',,,,,,,,0.00\n')

#: The 2025 balance statement of the EUR balance the conversion above fed: the conversion arrives
#: as a CREDIT whose ``Transaction Details Type`` says ``CONVERSION``, and the GBP side of it (a
#: DEBIT, in a GBP balance's statement) says so too.  Certainty as :data:`WISE_ABROAD`; the
#: details types are those of Wise's balance-statement API (CARD, CONVERSION, TRANSFER, ...).
WISE_CONVERSIONS = (WISE_ABROAD.splitlines()[0] + "\n"
                    'BALANCE-3234567891,15-03-2025,"15-03-2025 10:02:11.120",116.00,EUR,'
                    '"Converted 100.00 GBP to 116.00 EUR",,116.00,GBP,EUR,1.16271,,,,,,,,,0.00,116.00,CREDIT,'
                    'CONVERSION\n'
                    'BALANCE-3234567894,16-03-2025,"16-03-2025 08:00:00.000",-31.80,EUR,'
                    '"Converted 31.80 EUR to 27.35 GBP",,84.20,EUR,GBP,0.86007,,,,,,,,,0.00,27.35,DEBIT,'
                    'CONVERSION\n'
                    'CARD-3234567895,16-03-2025,"16-03-2025 12:01:33.412",-31.80,EUR,'
                    '"Card transaction of 31.80 EUR issued by Le Petit Cafe PARIS",,52.40,,,,,,,'
                    '"Le Petit Cafe",4821,"JANE DOE",,,0.00,,DEBIT,CARD\n')

#: Wise's "transaction history" export (``transaction-history.csv``, from the account's activity
#: page), a layout apart from the balance statements: the whole account, unsigned amounts with a
#: ``Direction`` (OUT, IN, NEUTRAL for a conversion between its balances), both sides of each
#: movement after fees, the fee apart, a ``Status``.  How certain: the 21 headers in this order are
#: quoted alike by five independent importers (TypeScript, Swift, Kotlin, Java, Python); the
#: amounts after fees with the fee on top, the rate as target per source (9.50 GBP x 1.262 = 11.99
#: USD) and the statuses COMPLETED / CANCELLED / REFUNDED (a charge reversed whole, no credit line)
#: agree across them; exact quoting and whether older exports lacked Category and Note are not
#: known (a column missing reads as empty).  The lines are made up, in the figures of :data:`WISE_ABROAD`.
WISE_HISTORY = ("ID,Status,Direction,Created on,Finished on,Source fee amount,Source fee currency,"
                "Target fee amount,Target fee currency,Source name,Source amount (after fees),Source currency,"
                "Target name,Target amount (after fees),Target currency,Exchange rate,Reference,Batch,Created by,"
                "Category,Note\n"
                "CARD_TRANSACTION-5234567890,COMPLETED,OUT,2025-03-14 12:01:33,2025-03-15 08:10:11,0.08,GBP,,,"
                "JANE DOE,27.35,GBP,Le Petit Cafe,31.80,EUR,1.16271,,,JANE DOE,Eating out,\n"
                "CARD_TRANSACTION-5234567891,COMPLETED,OUT,2025-03-15 09:10:02,2025-03-15 09:10:03,,,,,"
                "JANE DOE,4.20,GBP,Pret A Manger,4.20,GBP,1,,,JANE DOE,Eating out,\n"
                "BALANCE-5234567892,COMPLETED,NEUTRAL,2025-03-15 10:02:11,2025-03-15 10:02:12,0.23,GBP,,,"
                "JANE DOE,99.77,GBP,JANE DOE,116.00,EUR,1.16271,,,JANE DOE,,\n"
                "CARD_TRANSACTION-5234567893,CANCELLED,OUT,2025-03-15 19:45:02,,,,,,"
                "JANE DOE,18.40,GBP,Uber,18.40,GBP,1,,,JANE DOE,Transport,\n"
                "TRANSFER-5234567894,COMPLETED,IN,2025-03-16 09:00:00,2025-03-16 09:00:02,,,,,"
                "ACME LTD,200.00,GBP,JANE DOE,200.00,GBP,1,Invoice 42,,,,\n"
                "CARD_TRANSACTION-5234567895,REFUNDED,OUT,2025-03-16 13:30:00,2025-03-16 13:30:01,,,,,"
                "JANE DOE,12.00,GBP,Greenleaf Market,12.00,GBP,1,,,JANE DOE,Groceries,\n")

#: American Express's older CSV download: no header row; date, ``Reference: <number>``, amount
#: (charges positive), the merchant with its store and terminal numbers, a number.  Layout as
#: quoted by an importer of its monthly files (``07/02/2015,"Reference: 320151840289924743",32.52,
#: "TJ MAXX #803 00000088009266299","080305055978009266299"``); the lines are made up.
AMEX_LEGACY = ('03/14/2025,"Reference: 320250740012345678",31.98,"GREENLEAF MARKET #42",'
               '"080305055978009266299"\n'
               '03/15/2025,"Reference: 320250740012345679",18.40,"UBER TRIP",'
               '"080305055978009266300"\n'
               '03/20/2025,"Reference: 320250790012345680",-500.00,"AUTOPAY PAYMENT - THANK YOU",'
               '"000000000000000000000"\n')

#: Revolut Business's statement: the dates twice (UTC, then the account's time zone), the account's
#: currency as ``Payment currency``, a purchase abroad's own amount as ``Orig amount`` / ``Orig
#: currency``, the masked card number, the line's ``State``.  How certain: these 35 headers in this
#: order are quoted alike by four independent importers (some exports have no local-time columns,
#: or fewer beneficiary columns); the sign (spend negative) and ISO dates as in their fixtures.  The
#: lines are made up: 31.80 EUR at a Paris cafe charged 27.12 GBP, and a declined ride.
REVOLUT_BUSINESS = (
    "Date started (UTC),Date completed (UTC),Date started (Europe/London),Date completed (Europe/London),ID,Type,"
    "State,Description,Reference,Payer,Card number,Card label,Card state,Orig currency,Orig amount,"
    "Payment currency,Amount,Total amount,Exchange rate,Fee,Fee currency,Balance,Account,"
    "International account number,Beneficiary account number,Beneficiary sort code or routing number,"
    "Beneficiary IBAN,Beneficiary BIC,Beneficiary name,MCC,Related transaction id,Spend program,Sender account,"
    "Sender name,Card references\n"
    "2025-03-14,2025-03-15,2025-03-14,2025-03-15,6601d2a8-0000-a1b2-0000-000000000001,CARD_PAYMENT,COMPLETED,"
    "Le Petit Cafe,,JANE DOE,459678******4821,,ACTIVE,EUR,-31.80,GBP,-27.12,-27.12,0.8528,0.00,GBP,972.88,"
    "Main,,,,,,,5812,,,,,\n"
    "2025-03-15,,2025-03-15,,6601d2a8-0000-a1b2-0000-000000000002,CARD_PAYMENT,DECLINED,Uber,,JANE DOE,"
    "459678******4821,,ACTIVE,GBP,-18.40,GBP,-18.40,-18.40,,0.00,GBP,,Main,,,,,,,4121,,,,,\n")

#: Monzo's export as the app gave it before its current layout: lowercase headers, ``created`` a
#: timestamp with its UTC offset, ``local_amount`` / ``local_currency`` as spent abroad.  Header and
#: timestamp as in a published sample export of 2018; the lines are made up.
MONZO_CLASSIC = ("id,created,amount,currency,local_amount,local_currency,category,emoji,description,address,notes,"
                 "receipt\n"
                 "tx_00009A,2018-03-14 12:01:33 +0000,-27.12,GBP,-31.80,EUR,eating_out,,LE PETIT CAFE PARIS FRA,,,\n"
                 "tx_00009B,2018-03-15 09:10:00 +0000,-4.20,GBP,-4.20,GBP,eating_out,,PRET A MANGER LONDON GBR,,,\n")

#: Wise's transaction history with one card payment drawn from two balances: a line per balance
#: under one id, the legs' targets summing to the purchase.  How certain: as described by one
#: importer built on a real export (15.70 CAD -> 11.18 USD plus 23.32 USD -> 23.32 USD, one 34.50
#: USD purchase); header as :data:`WISE_HISTORY`.  The lines are made up in those figures.
WISE_HISTORY_SPLIT = (WISE_HISTORY.splitlines()[0] + "\n"
                      "CARD_TRANSACTION-6234567890,COMPLETED,OUT,2025-03-14 18:20:00,2025-03-15 06:00:00,0.07,CAD,,,"
                      "JANE DOE,15.70,CAD,Greenleaf Market,11.18,USD,0.71210,,,JANE DOE,Groceries,\n"
                      "CARD_TRANSACTION-6234567890,COMPLETED,OUT,2025-03-14 18:20:00,2025-03-15 06:00:00,,,,,"
                      "JANE DOE,23.32,USD,Greenleaf Market,23.32,USD,1,,,JANE DOE,Groceries,\n"
                      "CARD_TRANSACTION-6234567891,CANCELLED,OUT,2025-03-15 09:00:00,,,,,,"
                      "JANE DOE,8.00,USD,Kopi King,8.00,USD,1,,,JANE DOE,Eating out,\n")

#: N26's export since about 2023: ``Booking Date`` / ``Value Date``, the counterparty as ``Partner
#: Name``, a card payment's type ``Presentment``, ``Original Amount`` unsigned.  Header as eight
#: independent importers quote it; the lines are made up.
N26_2024 = ('"Booking Date","Value Date","Partner Name","Partner Iban",Type,"Payment Reference","Account Name",'
            '"Amount (EUR)","Original Amount","Original Currency","Exchange Rate"\n'
            '2025-03-14,2025-03-13,"Pret A Manger",,Presentment,,"Main Account",-4.92,4.20,GBP,1.1714\n'
            '2025-03-15,2025-03-15,"Greenleaf Markt",,Presentment,,"Main Account",-31.98,31.98,EUR,1.000000\n'
            '2025-03-16,2025-03-16,"Jane Doe",DE89370400440532013000,"Credit Transfer",rent,"Main Account",200.00,,,\n')

#: Apple Card's export (Wallet): the purchase day and the ``Clearing Date``, the descriptor and the
#: merchant apart, purchases positive.  Header as seven independent importers quote it.
APPLE_CARD = ("Transaction Date,Clearing Date,Description,Merchant,Category,Type,Amount (USD),Purchased By\n"
              '03/14/2025,03/15/2025,"GREENLEAF MARKET 1 MAIN ST SPRINGFIELD 62701 IL USA",Greenleaf Market,Grocery,'
              "Purchase,31.98,Jane Doe\n"
              "03/15/2025,03/17/2025,UBER *TRIP HELP.UBER.COM CA,Uber,Transportation,Purchase,18.40,Jane Doe\n"
              '03/20/2025,03/20/2025,"ACH DEPOSIT INTERNET TRANSFER FROM ACCOUNT ENDING IN 1234",'
              "Ach Deposit Internet Transfer,Payment,Payment,-500.00,Jane Doe\n")

#: PayPal's activity download (US layout): the amount as ``Gross`` (``Fee`` and ``Net`` beside),
#: payments negative, a payment funded by a card followed by the card's deposit into PayPal.
#: Header as six independent importers quote it (some downloads have fewer columns); the lines
#: are made up.
PAYPAL = ('"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","From Email Address",'
          '"To Email Address","Transaction ID","Item Title","Item ID","Reference Txn ID","Receipt ID","Balance",'
          '"Note"\n'
          '"03/14/2025","12:01:33","PDT","Greenleaf Market","Express Checkout Payment","Completed","USD","-31.98",'
          '"0.00","-31.98","jane@example.com","shop@example.com","9AB12345CD678901E","","","","","-31.98",""\n'
          '"03/14/2025","12:01:33","PDT","","General Card Deposit","Completed","USD","31.98","0.00","31.98","",'
          '"jane@example.com","1AB12345CD678901F","","","9AB12345CD678901E","","0.00",""\n'
          '"03/15/2025","09:12:00","PDT","Kopi King","Express Checkout Payment","Denied","USD","-8.20","0.00",'
          '"-8.20","jane@example.com","kopi@example.com","2AB12345CD678901G","","","","","0.00",""\n'
          '"03/16/2025","18:40:00","PDT","Uber","Preapproved Payment Bill User Payment","Completed","USD","-18.40",'
          '"0.00","-18.40","jane@example.com","uber@example.com","3AB12345CD678901H","","","","","-18.40",""\n')

#: Revolut's statement with an exchange between the account's own currency pockets (``Type``
#: ``EXCHANGE``, ``Exchanged to ...``), as a dozen importers' fixtures show it, in both the older
#: upper-case and the newer spelling of the types.
REVOLUT_EXCHANGE = (REVOLUT.splitlines()[0] + "\n"
                    "EXCHANGE,Current,2025-03-14 09:00:00,2025-03-14 09:00:01,Exchanged to GBP,-31.80,0.00,EUR,"
                    "COMPLETED,1168.20\n"
                    "Card Payment,Current,2025-03-14 12:01:33,2025-03-15 08:10:11,Le Petit Cafe,-31.80,0.00,EUR,"
                    "COMPLETED,1136.40\n"
                    "Exchange,Current,2025-03-16 10:00:00,2025-03-16 10:00:01,Exchanged to EUR,100.00,0.00,EUR,"
                    "COMPLETED,1236.40\n")

#: PayPal's activity download, UK layout: the transaction type under ``Description``, the
#: counterparty under ``Name``, day-first dates.  Header as three independent importers quote it;
#: the lines are made up.
PAYPAL_UK = ('"Date","Time","Time Zone","Description","Currency","Gross","Fee","Net","Balance","Transaction ID",'
             '"From Email Address","Name","Bank Name","Bank Account","Postage and Packaging Amount","VAT",'
             '"Invoice ID","Reference Txn ID"\n'
             '"14/03/2025","12:01:33","Europe/London","Express Checkout Payment","GBP","-31.98","0.00","-31.98",'
             '"0.00","9AB12345CD678901E","jane@example.com","Greenleaf Market","","","0.00","0.00","",""\n'
             '"14/03/2025","12:01:33","Europe/London","Bank Deposit to PP Account ","GBP","31.98","0.00","31.98",'
             '"31.98","1AB12345CD678901F","","","","","0.00","0.00","","9AB12345CD678901E"\n'
             '"16/03/2025","18:40:00","Europe/London","Pre-approved Payment Bill User Payment","GBP","-18.40","0.00",'
             '"-18.40","13.58","3AB12345CD678901H","jane@example.com","Uber","","","0.00","0.00","",""\n')

#: PayPal's download of a purchase abroad paid from a USD balance: the payment in EUR, then the
#: conversion's two lines under the merchant's name (Type ``General Currency Conversion``), as
#: importers' fixtures show them.  The lines are made up.
PAYPAL_ABROAD = (PAYPAL.splitlines()[0] + "\n"
                 '"03/14/2025","12:01:33","PDT","Le Petit Cafe","Express Checkout Payment","Completed","EUR","-31.80",'
                 '"0.00","-31.80","jane@example.com","cafe@example.com","4AB12345CD678901J","","","","","0.00",""\n'
                 '"03/14/2025","12:01:33","PDT","Le Petit Cafe","General Currency Conversion","Completed","EUR","31.80",'
                 '"0.00","31.80","","","5AB12345CD678901K","","","4AB12345CD678901J","","31.80",""\n'
                 '"03/14/2025","12:01:33","PDT","Le Petit Cafe","General Currency Conversion","Completed","USD","-34.55",'
                 '"0.00","-34.55","","","6AB12345CD678901L","","","4AB12345CD678901J","","0.00",""\n')
