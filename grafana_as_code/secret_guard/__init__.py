"""Keeping secret values out of everything we write: refused at the door, hunted at the exit.

* ``door``: definition files (data sources, environments, contact points) are checked before anything is built.
  Keys Grafana keeps secret, secret-looking keys and headers, credentials in URLs and anything the scanner
  recognizes as a secret are errors naming the file, the field and the fix (``{secret: <name>}``).
* ``outputs``: the staged ``cdktf.out/`` and every plan/drift report are scanned before they are written; a finding
  stops the run and nothing is written.

Both use ``scanner`` (the detect-secrets detectors, over string values we extract ourselves).
"""
