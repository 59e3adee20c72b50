"""weihai-kg: the knowledge graph of 한중Zine Vol.193 (2016-11-21) on Weihai's cross-border
e-commerce, Internet+ and smart-city policies, validated by SHACL and kept in Oxigraph."""

__version__ = "0.2.0"
