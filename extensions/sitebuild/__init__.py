"""The site's build logic as plain Python: no MkDocs imports, unit-tested on notebooks and HTML.

``extensions/hooks/*.py`` adapt these modules to MkDocs' events and nothing more.
"""
