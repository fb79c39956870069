"""Not a test module: mypy (``make lint``) checks that each extension implements the hooks it defines,
with the signatures ``pubkit.extensions`` declares. A hook with another signature fails the lint."""

import china_manufacturing_regions as package_module
from pubkit import extensions
from pubkit.profiles import value_provenance

profile_rules: extensions.RowRulesHook = value_provenance
profile_check: extensions.CheckHook = value_provenance
profile_sheet: extensions.DatasheetHook = value_provenance
profile_about: extensions.AboutHook = value_provenance
profile_declaration: extensions.DescriptorProblemsHook = value_provenance

package_rules: extensions.RowRulesHook = package_module
package_jsonld: extensions.JsonldHook = package_module
package_readme: extensions.ReadmeSectionsHook = package_module

# The quantity parsers the toolkit ships are Languages: mypy checks their functions against the interface
from pubkit.profiles import mentions_zh, quantity_en, quantity_zh  # noqa: E402

english = extensions.Language(quantity_en.parse, quantity_en.mentions, quantity_en.forecast, joiner=" ")
chinese = extensions.Language(quantity_zh.parse, mentions_zh.mentions, lambda clause: None, joiner="")
