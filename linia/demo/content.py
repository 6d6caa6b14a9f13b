"""What the demo installation contains: people, organizations, teams, categories and tickets.

Plain data only; `linia.demo.builder` turns it into rows by calling the domain services.
Every address is under the reserved `.example` domain, so no notification can reach anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The one password of every demo log-in (documented in README.md and printed at start).
DEMO_PASSWORD = "linia-demo"
# The mailbox the demo configures: `linia ingest-email --mailbox "Demo support"` files
# mail under it (docs/email.md, "Try it with the demo").
DEMO_MAILBOX = "Demo support"


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    tier: int


@dataclass(frozen=True)
class OrganizationSpec:
    key: str
    name: str
    legal_name: str
    notes: str
    domain: str


@dataclass(frozen=True)
class PersonSpec:
    username: str
    first_name: str
    last_name: str
    role: str  # accounts.UserRole value
    language: str
    time_zone: str
    email: str
    organization: str = ""  # OrganizationSpec.key, for requesters and client managers
    team: str = ""  # TeamSpec.key, for agents
    position: str = ""
    phone: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class CategorySpec:
    key: str
    name: str
    parent: str = ""  # CategorySpec.key
    tier: int = 1
    team: str = ""  # TeamSpec.key; empty: the tier's team that serves the organization


# --- steps of a ticket's story, applied in order through the services ---------------------


@dataclass(frozen=True)
class Assign:
    by: str
    to: str


@dataclass(frozen=True)
class Reply:
    by: str
    body: str


@dataclass(frozen=True)
class Note:
    """An internal note (staff only)."""

    by: str
    body: str


@dataclass(frozen=True)
class Status:
    by: str
    to: str
    note: str = ""
    resolution: str = ""
    training_recommended: bool = False


@dataclass(frozen=True)
class Escalate:
    by: str
    tier: int
    reason: str


@dataclass(frozen=True)
class AutoClose:
    """The resolved ticket closes itself, as the periodic task does when nobody confirms."""


Step = Assign | Reply | Note | Status | Escalate | AutoClose


@dataclass(frozen=True)
class TicketSpec:
    requester: str  # username of the requester (or client manager) the ticket is for
    subject: str
    description: str
    category: str  # CategorySpec.key
    hours_ago: float  # when the request reached the desk
    type: str = "incident"
    impact: str = "medium"
    urgency: str = "medium"
    channel: str = "portal"
    filed_by: str = ""  # a staff username when the desk registered it (phone, e-mail)
    steps: tuple[Step, ...] = field(default_factory=tuple)


DESK_DOMAIN = "servicedesk.example"
STAFF_TIME_ZONE = "Europe/Kyiv"

TEAMS = (
    TeamSpec("l1", "L1 Service desk", 1),
    TeamSpec("l2", "L2 Engineers", 2),
    TeamSpec("l3", "L3 Lead specialists", 3),
)

ORGANIZATIONS = (
    OrganizationSpec(
        key="dnipro",
        name="Dnipro Cargo",
        legal_name="ТОВ «Дніпро Карго»",
        notes="Logistics company in Kyiv: head office and two warehouses (Brovary, Boryspil).",
        domain="dnipro-cargo.example",
    ),
    OrganizationSpec(
        key="nowak",
        name="Nowak & Partners Law Office",
        legal_name="Kancelaria Prawna Nowak i Wspólnicy sp.k.",
        notes="Law office in Warsaw, 25 people on one floor.",
        domain="nowak-law.example",
    ),
    OrganizationSpec(
        key="zdorovye",
        name="Zdorovye Family Clinic",
        legal_name="ООО «Семейная клиника „Здоровье“»",
        notes="Outpatient clinic in Khimki, Moscow region: registration desk, 14 doctors' rooms, lab.",
        domain="zdorovye-clinic.example",
    ),
)

_ORGANIZATION_DOMAINS = {spec.key: spec.domain for spec in ORGANIZATIONS}


def _staff(
    username: str, first: str, last: str, role: str, language: str, team: str = ""
) -> PersonSpec:
    return PersonSpec(
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        language=language,
        time_zone=STAFF_TIME_ZONE,
        email=f"{username}@{DESK_DOMAIN}",
        team=team,
    )


def _client(
    organization: str,
    username: str,
    first: str,
    last: str,
    role: str,
    language: str,
    time_zone: str,
    position: str,
    phone: str,
) -> PersonSpec:
    return PersonSpec(
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        language=language,
        time_zone=time_zone,
        email=f"{username}@{_ORGANIZATION_DOMAINS[organization]}",
        organization=organization,
        position=position,
        phone=phone,
    )


PEOPLE = (
    _staff("admin", "Oleh", "Savchenko", "admin", "en"),
    _staff("manager", "Maria", "Lebedeva", "manager", "ru"),
    _staff("agent1", "Dmytro", "Kovalenko", "agent", "en", team="l1"),
    _staff("agent2", "Anna", "Sokolova", "agent", "ru", team="l1"),
    _staff("engineer", "Pavel", "Orlov", "agent", "en", team="l2"),
    _staff("lead", "Sergei", "Volkov", "agent", "ru", team="l3"),
    _client(
        "dnipro",
        "olena",
        "Olena",
        "Shevchuk",
        "requester",
        "uk",
        "Europe/Kyiv",
        "Бухгалтерка",
        "+380 44 200 10 11",
    ),
    _client(
        "dnipro",
        "taras",
        "Taras",
        "Melnyk",
        "requester",
        "uk",
        "Europe/Kyiv",
        "Начальник складу",
        "+380 44 200 10 12",
    ),
    _client(
        "dnipro",
        "iryna",
        "Iryna",
        "Kravets",
        "client_manager",
        "uk",
        "Europe/Kyiv",
        "Операційна директорка",
        "+380 44 200 10 10",
    ),
    _client(
        "nowak",
        "kasia",
        "Katarzyna",
        "Zielińska",
        "requester",
        "pl",
        "Europe/Warsaw",
        "Sekretarka",
        "+48 22 100 20 31",
    ),
    _client(
        "nowak",
        "piotr",
        "Piotr",
        "Wiśniewski",
        "requester",
        "pl",
        "Europe/Warsaw",
        "Aplikant radcowski",
        "+48 22 100 20 32",
    ),
    _client(
        "nowak",
        "marek",
        "Marek",
        "Nowak",
        "client_manager",
        "pl",
        "Europe/Warsaw",
        "Partner zarządzający",
        "+48 22 100 20 30",
    ),
    _client(
        "zdorovye",
        "svetlana",
        "Svetlana",
        "Ivanova",
        "requester",
        "ru",
        "Europe/Moscow",
        "Администратор регистратуры",
        "+7 495 300 40 51",
    ),
    _client(
        "zdorovye",
        "dmitry",
        "Dmitry",
        "Petrov",
        "requester",
        "ru",
        "Europe/Moscow",
        "Врач-терапевт",
        "+7 495 300 40 52",
    ),
    _client(
        "zdorovye",
        "natalia",
        "Natalia",
        "Smirnova",
        "client_manager",
        "ru",
        "Europe/Moscow",
        "Главный врач",
        "+7 495 300 40 50",
    ),
)

CATEGORIES = (
    CategorySpec("workstations", "Workstations"),
    CategorySpec("printers", "Printers", parent="workstations"),
    CategorySpec("software", "Software", parent="workstations"),
    CategorySpec("hardware", "Hardware", parent="workstations"),
    CategorySpec("network", "Network"),
    CategorySpec("vpn", "VPN", parent="network"),
    CategorySpec("wifi", "Wi-Fi", parent="network"),
    CategorySpec("access", "Accounts & access"),
    CategorySpec("password", "Password reset", parent="access"),
    CategorySpec("onboarding", "New employee", parent="access"),
    CategorySpec("mail", "E-mail & calendar"),
    CategorySpec("servers", "Servers", tier=2, team="l2"),
    CategorySpec("telephony", "Telephony"),
)

# Oldest first, so the numbers follow the dates. The auto-closed ticket comes first: it must be
# the only resolved ticket when it closes itself.
TICKETS = (
    TicketSpec(
        requester="taras",
        subject="Outlook на телефоні не синхронізує календар",
        description=(
            "Добрий день! З понеділка календар в Outlook на телефоні не оновлюється: "
            "зустрічі, які я створюю на комп'ютері, на телефоні не з'являються. "
            "Пошта при цьому приходить нормально."
        ),
        category="mail",
        hours_ago=150,
        impact="low",
        steps=(
            Assign("agent1", "agent1"),
            Reply(
                "agent1",
                (
                    "Тарасе, добрий день! На вашому телефоні стоїть стара версія Outlook, яка "
                    "більше не підтримує синхронізацію календаря. Оновіть, будь ласка, застосунок "
                    "і додайте обліковий запис наново — дані залишаться на сервері."
                ),
            ),
            Status(
                "agent1",
                "resolved",
                resolution=(
                    "Оновлено Outlook на телефоні, обліковий запис додано наново; календар "
                    "синхронізується."
                ),
            ),
            AutoClose(),
        ),
    ),
    TicketSpec(
        requester="svetlana",
        subject="Сбросить пароль для новой медсестры",
        description=(
            "Здравствуйте! Новая медсестра процедурного кабинета, Ольга Кузнецова, не может "
            "войти в МИС: пароль, который ей выдали, не подходит. Просим сбросить."
        ),
        category="password",
        hours_ago=140,
        type="service_request",
        steps=(
            Assign("agent2", "agent2"),
            Reply(
                "agent2",
                (
                    "Светлана, добрый день! Пароль сброшен, временный пароль передали Ольге по "
                    "телефону. При первом входе система попросит его сменить."
                ),
            ),
            Status(
                "agent2",
                "resolved",
                resolution=("Пароль сброшен, временный пароль передан пользователю по телефону."),
            ),
            Status("svetlana", "closed"),
        ),
    ),
    TicketSpec(
        requester="marek",
        subject="Telefon na recepcji nie dzwoni",
        description=(
            "Telefon na recepcji od rana pokazuje „Brak usługi”. Klienci nie mogą się "
            "do nas dodzwonić."
        ),
        category="telephony",
        hours_ago=120,
        urgency="high",
        channel="phone",
        filed_by="agent1",
        steps=(
            Assign("agent1", "agent1"),
            Note(
                "agent1",
                (
                    "Reception phone shows 'No service'. The PoE port on the floor switch was "
                    "disabled after last night's power cut."
                ),
            ),
            Reply(
                "agent1",
                (
                    "Panie Marku, port na przełączniku został ponownie włączony i telefon na "
                    "recepcji już działa. Proszę o potwierdzenie."
                ),
            ),
            Status(
                "agent1",
                "resolved",
                resolution=(
                    "Włączono port PoE na przełączniku; telefon ponownie zarejestrowany w centrali."
                ),
            ),
            Status("marek", "closed"),
        ),
    ),
    TicketSpec(
        requester="natalia",
        subject="Ошибка обновления антивируса",
        description=("На компьютере в кабинете 3 антивирус пишет «Ошибка обновления баз»."),
        category="software",
        hours_ago=100,
        impact="low",
        steps=(
            Status(
                "natalia",
                "cancelled",
                note=("Ошибка пропала после перезагрузки компьютера, заявка больше не нужна."),
            ),
        ),
    ),
    TicketSpec(
        requester="kasia",
        subject="Nie mogę zalogować się do poczty",
        description=(
            "Dzień dobry, od rana nie mogę zalogować się do poczty. Pojawia się komunikat, "
            "że hasło jest nieprawidłowe, chociaż go nie zmieniałam."
        ),
        category="password",
        hours_ago=50,
        urgency="high",
        steps=(
            Assign("agent1", "agent1"),
            Reply(
                "agent1",
                (
                    "Pani Katarzyno, konto zostało zablokowane po kilku nieudanych próbach "
                    "logowania. Odblokowałem je i wysłałem hasło tymczasowe SMS-em."
                ),
            ),
            Reply("kasia", "Dziękuję, zaraz sprawdzę."),
            Status(
                "agent1",
                "resolved",
                resolution=(
                    "Konto odblokowane, hasło tymczasowe wysłane SMS-em; przy logowaniu system "
                    "wymusza zmianę hasła."
                ),
            ),
        ),
    ),
    TicketSpec(
        requester="kasia",
        subject="Jak udostępnić kalendarz asystentce?",
        description=(
            "Mecenas Nowak prosi, żebym prowadziła jego kalendarz. Jak mogę zobaczyć i "
            "edytować jego spotkania?"
        ),
        category="mail",
        hours_ago=30,
        type="question",
        impact="low",
        urgency="low",
        steps=(
            Reply(
                "agent1",
                (
                    "Pani Katarzyno, pan Marek musi w Outlooku otworzyć Kalendarz → Udostępnij → "
                    "dodać Panią z uprawnieniem „Może edytować”. Potem kalendarz pojawi się u Pani "
                    "w sekcji „Kalendarze udostępnione”."
                ),
            ),
            Status(
                "agent1",
                "resolved",
                training_recommended=True,
                resolution=(
                    "Przekazano instrukcję udostępniania kalendarza; zalecane krótkie szkolenie "
                    "z Outlooka dla sekretariatu."
                ),
            ),
        ),
    ),
    TicketSpec(
        requester="kasia",
        subject="Drukarka w sekretariacie drukuje puste strony",
        description=(
            "Drukarka w sekretariacie wciąga papier, ale wszystkie strony są puste. "
            "Toner wymieniłam wczoraj na nowy."
        ),
        category="printers",
        hours_ago=26,
        urgency="high",
        steps=(
            Assign("agent1", "agent1"),
            Reply(
                "agent1",
                (
                    "Pani Katarzyno, proszę wydrukować stronę testową z menu drukarki "
                    "(Ustawienia → Raporty → Strona testowa) i napisać, czy też jest pusta."
                ),
            ),
            Reply("kasia", "Strona testowa też jest zupełnie pusta."),
            Note(
                "agent1",
                (
                    "Test page blank too, toner is new and seated correctly. Looks like the "
                    "imaging drum; this needs an engineer on site."
                ),
            ),
            Escalate(
                "agent1",
                2,
                (
                    "Blank pages even on the printer's own test page with a new toner: hardware "
                    "fault (imaging drum), needs on-site diagnostics."
                ),
            ),
            Assign("engineer", "engineer"),
            Reply(
                "engineer",
                (
                    "Dzień dobry, jutro o 10:00 przyjadę z zapasowym bębnem i sprawdzę drukarkę "
                    "na miejscu."
                ),
            ),
        ),
    ),
    TicketSpec(
        requester="taras",
        subject="Сервер WMS дуже повільно відповідає",
        description=(
            "Складська система (WMS) з ранку відповідає по 20–30 секунд на кожну дію. "
            "Комплектування на складі в Броварах фактично зупинилося."
        ),
        category="servers",
        hours_ago=20,
        impact="high",
        urgency="high",
        steps=(
            Assign("engineer", "engineer"),
            Reply(
                "engineer",
                (
                    "Тарасе, добрий день! Бачимо, що диск сервера бази даних WMS завантажений "
                    "на 100 %. Працюємо над проблемою, будемо тримати вас у курсі."
                ),
            ),
            Note(
                "engineer",
                (
                    "Disk queue on wms-db01 at 100 %. The RAID controller log shows a degraded "
                    "array rebuilding. Moving the database to the standby node needs a decision."
                ),
            ),
            Escalate(
                "engineer",
                3,
                (
                    "Degraded RAID on wms-db01; failing the WMS database over to the standby node "
                    "during working hours needs an L3 decision."
                ),
            ),
            Assign("lead", "lead"),
            Note(
                "lead",
                (
                    "Переключаю базу на резервный узел в 19:00, после закрытия смены на складе. "
                    "Замену диска заказал, привезут завтра."
                ),
            ),
            Reply(
                "lead",
                (
                    "Тарасе, сьогодні о 19:00 переключимо базу WMS на резервний сервер; простій — "
                    "до 15 хвилин. Повідомте, будь ласка, якщо цей час не підходить."
                ),
            ),
        ),
    ),
    TicketSpec(
        requester="olena",
        subject="Не працює Wi-Fi у переговорній",
        description=(
            "У переговорній на другому поверсі ноутбуки бачать мережу Wi-Fi, але не "
            "підключаються до неї. В інших кімнатах усе працює."
        ),
        category="wifi",
        hours_ago=18,
        steps=(
            Assign("agent1", "agent1"),
            Reply(
                "agent1",
                (
                    "Олено, добрий день! Щоб перевірити точку доступу, нашому інженеру потрібен "
                    "доступ до переговорної. Коли вона буде вільна?"
                ),
            ),
            Status("agent1", "pending", note="Чекаємо, коли звільниться переговорна."),
        ),
    ),
    TicketSpec(
        requester="piotr",
        subject="Prośba o instalację systemu informacji prawnej",
        description=(
            "Proszę o zainstalowanie na moim laptopie systemu informacji prawnej, z którego "
            "korzysta kancelaria. Licencja jest w umowie z dostawcą."
        ),
        category="software",
        hours_ago=16,
        type="service_request",
        impact="low",
        steps=(
            Assign("agent1", "agent1"),
            Reply(
                "agent1",
                (
                    "Panie Piotrze, do instalacji potrzebny jest dodatkowy klucz licencyjny — "
                    "zamówiliśmy go u dostawcy. Damy znać, gdy tylko go otrzymamy."
                ),
            ),
            Status("agent1", "pending", note="Czekamy na klucz licencyjny od dostawcy."),
        ),
    ),
    TicketSpec(
        requester="dmitry",
        subject="Медленно открывается карта пациента в МИС",
        description=(
            "Карта пациента в МИС открывается почти минуту, приём задерживается. "
            "Началось вчера после обеда."
        ),
        category="software",
        hours_ago=14,
        urgency="high",
        steps=(
            Assign("agent2", "agent2"),
            Reply(
                "agent2",
                (
                    "Дмитрий, добрый день! Подскажите, медленно работает только на вашем "
                    "компьютере или у коллег тоже?"
                ),
            ),
            Reply(
                "dmitry", ("У коллег в соседних кабинетах тоже, особенно открытие карты пациента.")
            ),
            Escalate(
                "agent2",
                2,
                (
                    "Slow on several workstations at once: the server or the application, not a "
                    "single PC."
                ),
            ),
            Assign("engineer", "engineer"),
            Note(
                "engineer",
                (
                    "Database server load is normal. The slowdown started right after the MIS "
                    "vendor's update; reported it to the vendor with timings."
                ),
            ),
            Status("engineer", "pending", note="Ждём исправление от разработчика МИС."),
        ),
    ),
    TicketSpec(
        requester="svetlana",
        subject="Не печатает принтер в регистратуре",
        description=(
            "Принтер в регистратуре не печатает талоны, на экране «Замятие бумаги», но "
            "бумаги внутри не видно."
        ),
        category="printers",
        hours_ago=8,
        urgency="high",
        steps=(
            Assign("agent2", "agent2"),
            Reply(
                "agent2",
                (
                    "Светлана, откройте, пожалуйста, заднюю крышку принтера и проверьте, нет ли "
                    "там обрывка бумаги. Индикатор мигает оранжевым?"
                ),
            ),
            Reply("svetlana", "Да, мигает оранжевым. Заднюю крышку открыть не получается."),
            Note(
                "agent2",
                (
                    "Probably a scrap of paper in the fuser. If the rear cover is stuck, someone "
                    "goes on site this afternoon."
                ),
            ),
        ),
    ),
    TicketSpec(
        requester="taras",
        subject="Не підключається VPN з дому",
        description=(
            "Вдома не можу підключитися до VPN: клієнт пише «Помилка автентифікації», хоча "
            "пароль вводжу правильно."
        ),
        category="vpn",
        hours_ago=6,
        steps=(
            Assign("agent1", "agent1"),
            Reply(
                "agent1",
                (
                    "Тарасе, перевірили ваш обліковий запис — він у порядку. Схоже, закінчився "
                    "сертифікат на ноутбуці. Зараз випустимо новий."
                ),
            ),
            Note(
                "agent1", "Account fine in AD; the laptop certificate expired yesterday. Reissuing."
            ),
        ),
    ),
    TicketSpec(
        requester="iryna",
        subject="Новий співробітник: створити обліковий запис",
        description=(
            "З понеділка до нас виходить новий логіст, Андрій Бойко. Потрібні: обліковий "
            "запис, пошта, доступ до WMS і до спільної папки відділу логістики."
        ),
        category="onboarding",
        hours_ago=5,
        type="service_request",
        impact="low",
        steps=(Assign("agent1", "agent1"),),
    ),
    TicketSpec(
        requester="natalia",
        subject="Подключить новый кабинет к Wi-Fi",
        description=(
            "Открываем кабинет УЗИ на первом этаже (№ 15). Нужен стабильный Wi-Fi для "
            "ноутбука врача и планшета."
        ),
        category="wifi",
        hours_ago=4,
        type="service_request",
        impact="low",
        steps=(Assign("agent2", "agent2"),),
    ),
    TicketSpec(
        requester="piotr",
        subject="VPN zrywa połączenie co 10 minut",
        description=(
            "Pracuję zdalnie i połączenie VPN rozłącza się mniej więcej co 10 minut. "
            "Muszę wtedy ponownie logować się do systemu kancelarii."
        ),
        category="vpn",
        hours_ago=3,
        steps=(Assign("manager", "agent1"),),
    ),
    TicketSpec(
        requester="marek",
        subject="Nowy pracownik od poniedziałku",
        description=(
            "Od poniedziałku dołącza do nas aplikantka Anna Kowalczyk. Proszę o konto, "
            "pocztę i laptopa z pakietem biurowym."
        ),
        category="onboarding",
        hours_ago=2,
        type="service_request",
        impact="low",
    ),
    TicketSpec(
        requester="dmitry",
        subject="Не работает IP-телефон в кабинете 12",
        description="Звонили из кабинета 12: телефон не включается, экран не горит.",
        category="telephony",
        hours_ago=1.5,
        channel="phone",
        filed_by="agent2",
    ),
    TicketSpec(
        requester="olena",
        subject="Принтер на складі не друкує накладні",
        description=(
            "Принтер на складі в Борисполі не друкує накладні: завдання висять у черзі. "
            "Машини чекають на відвантаження!"
        ),
        category="printers",
        hours_ago=1,
        impact="high",
        urgency="high",
        channel="email",
    ),
    TicketSpec(
        requester="svetlana",
        subject="Не открывается программа сканирования документов",
        description=(
            "В регистратуре не запускается программа сканирования: при запуске ничего не "
            "происходит. Сканируем паспорта пациентов на телефон."
        ),
        category="hardware",
        hours_ago=0.5,
    ),
)
