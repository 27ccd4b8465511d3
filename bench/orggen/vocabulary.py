"""Words the generated org is made of: zones, names, units, CSFs, metrics, notes."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Direction

COMPANY_NAME = "Globex Analytics"
WORKSPACE_TZ = "America/New_York"

# (zone, weight): where a US-headquartered company with offices abroad has its people.
ZONES: tuple[tuple[str, int], ...] = (
    ("America/New_York", 22),
    ("America/Chicago", 10),
    ("America/Denver", 5),
    ("America/Los_Angeles", 16),
    ("America/Sao_Paulo", 5),
    ("Europe/London", 10),
    ("Europe/Berlin", 9),
    ("Europe/Helsinki", 3),
    ("Asia/Kolkata", 9),
    ("Asia/Singapore", 4),
    ("Asia/Tokyo", 3),
    ("Australia/Sydney", 4),
)
NO_TZ_SHARE = 0.05  # people whose Slack profile has no time zone

FIRST_NAMES = (
    "Maya", "Daniel", "Priya", "Lukas", "Ananya", "Sofia", "Kenji", "Amara", "Mateo", "Chloe",
    "Omar", "Ingrid", "Wei", "Fatima", "Jonas", "Aisha", "Diego", "Hana", "Noah", "Elena",
    "Kwame", "Yuki", "Liam", "Zara", "Ravi", "Freya", "Tomas", "Leila", "Arjun", "Nora",
    "Samuel", "Mei", "Carlos", "Astrid", "Ibrahim", "Grace", "Pedro", "Sana", "Oliver", "Ayumi",
)  # fmt: skip
LAST_NAMES = (
    "Chen", "Okafor", "Raman", "Weber", "Iyer", "Rossi", "Tanaka", "Mensah", "Garcia", "Martin",
    "Haddad", "Larsen", "Zhang", "Khan", "Schmidt", "Bello", "Lopez", "Sato", "Smith", "Petrova",
    "Asante", "Nakamura", "Murphy", "Ali", "Patel", "Nielsen", "Novak", "Karimi", "Singh", "Berg",
    "Cohen", "Wong", "Silva", "Johansson", "Yilmaz", "Kim", "Santos", "Malik", "Brown", "Ito",
)  # fmt: skip

BUSINESS_UNITS = (
    "Sales", "Marketing", "Product", "Engineering", "Customer Success", "Finance",
    "Operations", "People", "Legal", "Data", "Security", "Partnerships",
)  # fmt: skip
QUALIFIERS = (
    "North America", "EMEA", "APAC", "LATAM", "Enterprise", "Mid-Market", "SMB", "Platform",
    "Growth", "Core", "Infrastructure", "Mobile", "Web", "Analytics", "Brand", "Field",
    "Inside", "Channel", "Payments", "Onboarding", "Billing", "Search", "Reliability", "Design",
)  # fmt: skip
LEVEL_NOUNS = {3: "Division", 4: "Department", 5: "Team", 6: "Squad"}

CSF_TITLES = (
    "Win and keep enterprise customers", "Ship a product customers love", "Grow pipeline",
    "Delight customers in their first 90 days", "Operate efficiently", "Hire and grow talent",
    "Make the platform reliable", "Expand in Europe", "Build the partner channel",
    "Raise product quality", "Own our category's story", "Cut time to value",
    "Turn data into decisions", "Keep costs under control", "Secure customer trust",
)  # fmt: skip
CSF_KPIS = ("ARR", "NPS", "churn", "pipeline", "uptime", "gross margin", "time to value", None)


@dataclass(frozen=True)
class Metric:
    """A kind of measurable goal: where its baseline lies and how far its target moves."""

    name: str
    unit: str
    direction: Direction
    base_low: float
    base_high: float
    move_low: float
    move_high: float
    digits: int = 0


UP, DOWN = Direction.INCREASE, Direction.DECREASE
METRICS = (
    Metric("new customers", "customers", UP, 0, 40, 10, 120),
    Metric("ARR", "$k", UP, 500, 20000, 100, 4000),
    Metric("NPS", "points", UP, 10, 50, 5, 20),
    Metric("monthly churn", "%", DOWN, 3, 9, 0.5, 2.5, 1),
    Metric("p95 latency", "ms", DOWN, 250, 900, 50, 240),
    Metric("pipeline created", "$k", UP, 0, 3000, 500, 6000),
    Metric("tickets resolved within SLA", "%", UP, 60, 85, 5, 14, 1),
    Metric("qualified leads", "leads", UP, 50, 800, 100, 1500),
    Metric("cost per lead", "$", DOWN, 80, 250, 10, 60),
    Metric("release milestones done", "%", UP, 0, 0, 100, 100),
    Metric("open critical bugs", "bugs", DOWN, 20, 120, 10, 19),
    Metric("hires", "hires", UP, 0, 0, 2, 25),
    Metric("gross margin", "%", UP, 55, 72, 2, 8, 1),
    Metric("activation rate", "%", UP, 20, 45, 3, 15, 1),
    Metric("infrastructure cost", "$k", DOWN, 100, 900, 10, 90),
    Metric("customer health score", "points", UP, 50, 70, 5, 15),
)
UP_VERBS = ("Increase", "Grow", "Raise", "Lift")
DOWN_VERBS = ("Reduce", "Cut", "Bring down", "Lower")
QUALITATIVE_TITLES = (
    "Launch the partner portal", "Roll out the new onboarding flow", "Move billing to the new "
    "provider", "Publish the security whitepaper", "Run the customer advisory board",
    "Document the sales playbook", "Migrate the data warehouse", "Set up quarterly business "
    "reviews", "Redesign the pricing page", "Complete SOC 2 readiness",
)  # fmt: skip
DESCRIPTIONS = (
    "Agreed at the planning offsite; see the strategy deck.",
    "Measured monthly from the finance dashboard.",
    "Owner reports weekly; the number comes from the CRM.",
    "Stretch goal: 70% would still be a good result.",
    "Shared with the regional teams; they cascade their own.",
)

NOTES = (
    "Two deals slipped to next month.", "Good week, pipeline looks healthy.",
    "Waiting for the Q-end numbers from finance.", "Hiring is ahead of plan.",
    "Release went out Tuesday, adoption climbing.", "Churned account was a one-off.",
    "On holiday half the week, numbers are partial.", "Campaign launched, early signal is good.",
    "Customer escalation took most of the week.", "Renewals are tracking to forecast.",
    "Latency work merged, measuring next week.", "Big demo with a prospect on Friday.",
    "Numbers flat: focus moved to the launch.", "Closed two enterprise deals!",
    "Data source changed, figure re-baselined.",
)  # fmt: skip
BLOCKERS = (
    "Blocked: waiting on legal review of the contract.",
    "Blocked on security sign-off.", "Need budget approval before we can start.",
    "Vendor API is down, cannot migrate.", "Blocked: two open roles on the team.",
    "Waiting on the platform team's dependency.",
)  # fmt: skip
