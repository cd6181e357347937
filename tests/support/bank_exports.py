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
