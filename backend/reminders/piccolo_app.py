from backend.platform.apps import domain_app
from backend.reminders.tables import Notification, SentReminder, WebhookDelivery, WebhookSubscription

APP_CONFIG = domain_app(
    "reminders",
    [SentReminder, Notification, WebhookSubscription, WebhookDelivery],
    depends_on=("orgs", "cards", "visits", "issues"),
)
