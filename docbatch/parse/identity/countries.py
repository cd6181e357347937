"""Nationality and issuing-state codes an ICAO 9303 MRZ may carry.

ISO 3166-1 alpha-3 plus the codes ICAO 9303 part 3 adds (``D`` for Germany, the British
``GB?`` variants, UN and EU documents, ``XX?`` statelessness codes, ``UTO`` for the
specimen state Utopia, ``RKS`` Kosovo).  A code outside this set marks the MRZ invalid:
it is how a misread or forged country field shows when its check digit cannot.
"""

from __future__ import annotations

_ISO = """
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA
BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN
CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU
EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB
GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL
ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO
LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR
MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER
PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM
SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK
TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM
VUT WLF WSM YEM ZAF ZMB ZWE
"""

_ICAO_EXTRA = """
D GBD GBN GBO GBP GBS UNO UNA UNK EUE XOM XPO XCC XCE XEC XES XBT XIM XDC XCO XMP
XXA XXB XXC XXX UTO RKS ANT NTZ
"""

#: Every valid code, as it appears in the MRZ field with ``<`` padding removed.
MRZ_COUNTRY_CODES: frozenset[str] = frozenset((_ISO + _ICAO_EXTRA).split())


def valid_country(code: str) -> bool:
    """True when ``code`` (``<``-padded or not) is a known ICAO 9303 state code."""
    return code.replace("<", "") in MRZ_COUNTRY_CODES


#: The names a state's documents print (in capitals, words squeezed of marks), for the codes one
#: letter the local engine reads for another from another valid code (``mrz_repair``'s code
#: look-alikes, ``I`` read ``H`` and ``Z`` read ``N``, over every code above: ``HND`` and ``IND``
#: alone).  ICAO 9303 part 4 has the data page print the issuing state's name.
STATE_NAMES: dict[str, tuple[str, ...]] = {"IND": ("INDIA", "BHARAT"), "HND": ("HONDURAS",)}
