"""The kinds of crisis-affected residents, as codes the rule language names in affected("...").

Constants only (no models), so the rule language can check a code without loading this app's models.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

# code -> Indonesian label (the UI's source language; translated in the app's catalogue).
AFFECTED_SECTORS: dict[str, str] = {
    "laid_off": gettext_noop("Korban PHK (pemutusan hubungan kerja)"),
    "informal": gettext_noop("Pekerja/usaha informal yang bangkrut"),
    "tourism": gettext_noop("Pekerja pariwisata"),
}
