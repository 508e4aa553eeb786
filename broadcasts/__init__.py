"""Broadcasts: what reaches devices. Public e-boards (board notices), emergency alerts (CAP 1.2),
the device registry and the device API they poll (`/api/devices/v1/`), and the board player.

Every model is commune-owned and scoped by the tenancy layer (`sites.tenancy`, `sites.scoping`).
Layout:

- `models.py`    areas (villages), board groups, devices, board notices, alerts, proof of play, feed revisions
- `services.py`  writes: feed revisions, device tokens, alert publish / update / cancel
- `selectors.py` reads: what a device plays (snapshot, alerts), active alerts for a site
- `api/`         the device API (views, authentication, OpenAPI document)
- `cap.py`       CAP 1.2 XML and the Atom index
- `wagtail_hooks.py`, `admin_views.py`  the admin screens
"""
