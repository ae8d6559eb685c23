"""The consent text a holder reads at the kiosk, with its version (stored with each holder)."""

CONSENT_VERSION = "2026-11-v1"
CONSENT_TEXT = (
    "I agree that HostCity computes a face template from my photo to let me through the venue "
    "gates of my tickets without showing them. The template is stored encrypted, the photo is "
    "discarded, and no image is kept at the gates. I can erase my face data at any time from "
    "this kiosk, the app, or at a help desk; erasure takes effect at once. Without my consent "
    "I use my ticket at the gate as usual."
)
