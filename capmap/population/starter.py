"""Which QOF registers the starter care pathways serve, matched by the pathway's slug."""

STARTER_PATHWAY_REGISTERS: dict[str, tuple[str, ...]] = {
    "type-2-diabetes-mdt": ("DM", "NDH"),
    "heart-failure-mdt": ("HF",),
    "respiratory-mdt": ("AST", "COPD"),
    "hypertension-mdt": ("HYP",),
    "atrial-fibrillation-mdt": ("AF",),
    "chronic-kidney-disease-mdt": ("CKD",),
    "mental-health-mdt": ("MH", "DEP"),
}
