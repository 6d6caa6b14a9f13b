"""Realistic service-desk text in English, Russian, Ukrainian and Polish (stdlib only).

Used by both data builders (Linia's and django-helpdesk's), so both systems hold the same
words. Every choice goes through the caller's `random.Random`, so a build is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LANGUAGES = ("en", "ru", "uk", "pl")
# Share of organizations per language (a desk serving clients in several countries).
LANGUAGE_WEIGHTS = (0.25, 0.3, 0.3, 0.15)

# The word the "text filter" measure searches for: it appears in subjects of every language.
SEARCH_WORD = "VPN"


@dataclass(frozen=True)
class Corpus:
    subjects: tuple[str, ...]
    places: tuple[str, ...]
    details: tuple[str, ...]
    agent_replies: tuple[str, ...]
    requester_replies: tuple[str, ...]
    notes: tuple[str, ...]
    resolutions: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    org_forms: tuple[str, ...]
    org_roots: tuple[str, ...]
    positions: tuple[str, ...]


CORPORA: dict[str, Corpus] = {
    "en": Corpus(
        subjects=(
            "Printer does not print",
            "VPN connection drops every few minutes",
            "Cannot log in to the accounting system",
            "Outlook does not receive new mail",
            "Need access to the shared folder",
            "Laptop is very slow after the update",
            "Wi-Fi is not available in the meeting room",
            "New employee needs an account",
            "Phone line has no dial tone",
            "Scanner saves empty files",
            "Password expired, cannot reset it",
            "VPN client asks for a certificate",
            "Monitor flickers",
            "Please install Microsoft Visio",
            "Website returns error 502",
            "Backup job failed last night",
        ),
        places=(
            "office 2",
            "reception",
            "warehouse",
            "head office",
            "branch in Leeds",
            "3rd floor",
        ),
        details=(
            "It started this morning after the computer was restarted.",
            "The error message says that the server is not available.",
            "Three colleagues in our department have the same problem.",
            "We tried turning it off and on again, it did not help.",
            "This is blocking the end-of-month report, please hurry.",
            "A screenshot of the error is attached.",
            "It worked fine yesterday evening.",
            "The problem appears only when connected from home.",
        ),
        agent_replies=(
            "Thank you for the report. Could you tell us the name of your computer?",
            "We have restarted the service on our side. Please try again now.",
            "I have connected remotely and reinstalled the driver.",
            "The account has been created, the password was sent by SMS.",
            "Please check whether the problem is still there.",
        ),
        requester_replies=(
            "The computer name is WS-0142.",
            "Yes, it works now, thank you!",
            "Unfortunately the problem came back after an hour.",
            "I will be in the office after lunch, you can connect then.",
        ),
        notes=(
            "Known issue with the driver version 3.2, see the knowledge base.",
            "Checked the logs: the certificate expired on the gateway.",
            "Escalating to L2 if it happens again.",
            "Client is VIP, keep them informed.",
        ),
        resolutions=(
            "The driver was reinstalled and the device works.",
            "The certificate was renewed on the VPN gateway.",
            "Access rights were granted to the user.",
            "The mailbox was over quota; old mail was archived.",
        ),
        first_names=(
            "James",
            "Emma",
            "Oliver",
            "Sophie",
            "Harry",
            "Grace",
            "Jack",
            "Chloe",
            "Daniel",
            "Lucy",
        ),
        last_names=(
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Wilson",
            "Evans",
            "Walker",
            "Wright",
            "Green",
            "Hall",
        ),
        org_forms=("Ltd", "LLP", "Group", "plc"),
        org_roots=(
            "Northwind",
            "Blue River",
            "Oakfield",
            "Greenline",
            "Summit",
            "Redstone",
            "Brightway",
            "Harbor",
        ),
        positions=("Accountant", "Sales manager", "Office manager", "Engineer", "Director"),
    ),
    "ru": Corpus(
        subjects=(
            "Не печатает принтер",
            "Постоянно отключается VPN",
            "Не могу войти в 1С",
            "Outlook не получает почту",
            "Нужен доступ к общей папке",
            "Ноутбук сильно тормозит после обновления",
            "Не работает Wi-Fi в переговорной",
            "Новому сотруднику нужна учётная запись",
            "Нет гудка в телефоне",
            "Сканер сохраняет пустые файлы",
            "Истёк пароль, не получается сменить",
            "VPN-клиент просит сертификат",
            "Мерцает монитор",
            "Установите, пожалуйста, Visio",
            "Сайт отдаёт ошибку 502",
            "Ночью не прошло резервное копирование",
        ),
        places=("офис 2", "ресепшен", "склад", "головной офис", "филиал в Казани", "3 этаж"),
        details=(
            "Началось сегодня утром после перезагрузки компьютера.",
            "В сообщении об ошибке написано, что сервер недоступен.",
            "У троих коллег в отделе та же проблема.",
            "Пробовали выключить и включить, не помогло.",
            "Из-за этого стоит отчёт за месяц, просим срочно.",
            "Скриншот ошибки во вложении.",
            "Вчера вечером всё работало.",
            "Проблема только при подключении из дома.",
        ),
        agent_replies=(
            "Спасибо за обращение. Подскажите, пожалуйста, имя компьютера?",
            "Мы перезапустили службу на нашей стороне. Попробуйте ещё раз.",
            "Подключился удалённо и переустановил драйвер.",
            "Учётная запись создана, пароль отправлен по SMS.",
            "Проверьте, пожалуйста, осталась ли проблема.",
        ),
        requester_replies=(
            "Имя компьютера WS-0142.",
            "Да, теперь работает, спасибо!",
            "К сожалению, через час проблема вернулась.",
            "Буду в офисе после обеда, тогда можно подключаться.",
        ),
        notes=(
            "Известная проблема драйвера 3.2, см. базу знаний.",
            "Посмотрел логи: на шлюзе истёк сертификат.",
            "Если повторится — эскалировать на L2.",
            "Клиент VIP, держать в курсе.",
        ),
        resolutions=(
            "Драйвер переустановлен, устройство работает.",
            "Сертификат на VPN-шлюзе обновлён.",
            "Пользователю выданы права доступа.",
            "Почтовый ящик был переполнен, старые письма архивированы.",
        ),
        first_names=(
            "Алексей",
            "Мария",
            "Дмитрий",
            "Анна",
            "Сергей",
            "Елена",
            "Иван",
            "Ольга",
            "Павел",
            "Наталья",
        ),
        last_names=(
            "Иванов",
            "Смирнова",
            "Кузнецов",
            "Попова",
            "Соколов",
            "Лебедева",
            "Козлов",
            "Новикова",
            "Морозов",
            "Волкова",
        ),
        org_forms=("ООО", "АО", "ИП", "ПАО"),
        org_roots=(
            "Вектор",
            "Альфа-Сервис",
            "Северсталь-Торг",
            "Радуга",
            "Гранит",
            "Меридиан",
            "Орион",
            "Восход",
        ),
        positions=("Бухгалтер", "Менеджер по продажам", "Офис-менеджер", "Инженер", "Директор"),
    ),
    "uk": Corpus(
        subjects=(
            "Не друкує принтер",
            "Постійно відключається VPN",
            "Не можу увійти до M.E.Doc",
            "Outlook не отримує пошту",
            "Потрібен доступ до спільної папки",
            "Ноутбук дуже гальмує після оновлення",
            "Не працює Wi-Fi у переговорній",
            "Новому працівнику потрібен обліковий запис",
            "Немає гудка в телефоні",
            "Сканер зберігає порожні файли",
            "Закінчився пароль, не вдається змінити",
            "VPN-клієнт просить сертифікат",
            "Мерехтить монітор",
            "Встановіть, будь ласка, Visio",
            "Сайт повертає помилку 502",
            "Вночі не пройшло резервне копіювання",
        ),
        places=("офіс 2", "рецепція", "склад", "головний офіс", "філія у Львові", "3 поверх"),
        details=(
            "Почалося сьогодні зранку після перезавантаження комп'ютера.",
            "У повідомленні про помилку написано, що сервер недоступний.",
            "У трьох колег у відділі та сама проблема.",
            "Пробували вимкнути й увімкнути, не допомогло.",
            "Через це стоїть звіт за місяць, просимо терміново.",
            "Знімок екрана з помилкою у вкладенні.",
            "Учора ввечері все працювало.",
            "Проблема лише під час підключення з дому.",
        ),
        agent_replies=(
            "Дякуємо за звернення. Підкажіть, будь ласка, ім'я комп'ютера?",
            "Ми перезапустили службу на нашому боці. Спробуйте ще раз.",
            "Підключився віддалено й перевстановив драйвер.",
            "Обліковий запис створено, пароль надіслано SMS.",
            "Перевірте, будь ласка, чи залишилася проблема.",
        ),
        requester_replies=(
            "Ім'я комп'ютера WS-0142.",
            "Так, тепер працює, дякую!",
            "На жаль, за годину проблема повернулася.",
            "Буду в офісі після обіду, тоді можна підключатися.",
        ),
        notes=(
            "Відома проблема драйвера 3.2, див. базу знань.",
            "Переглянув журнали: на шлюзі закінчився сертифікат.",
            "Якщо повториться — ескалювати на L2.",
            "Клієнт VIP, тримати в курсі.",
        ),
        resolutions=(
            "Драйвер перевстановлено, пристрій працює.",
            "Сертифікат на VPN-шлюзі оновлено.",
            "Користувачеві надано права доступу.",
            "Поштова скринька була переповнена, старі листи заархівовано.",
        ),
        first_names=(
            "Олександр",
            "Марія",
            "Дмитро",
            "Ганна",
            "Сергій",
            "Олена",
            "Іван",
            "Оксана",
            "Павло",
            "Наталія",
        ),
        last_names=(
            "Шевченко",
            "Коваленко",
            "Бондаренко",
            "Ткаченко",
            "Кравченко",
            "Олійник",
            "Мельник",
            "Поліщук",
            "Бойко",
            "Савченко",
        ),
        org_forms=("ТОВ", "ПрАТ", "ФОП", "ДП"),
        org_roots=(
            "Вектор",
            "Дніпро-Сервіс",
            "Карпати",
            "Веселка",
            "Граніт",
            "Меридіан",
            "Оріон",
            "Світанок",
        ),
        positions=("Бухгалтер", "Менеджер з продажу", "Офіс-менеджер", "Інженер", "Директор"),
    ),
    "pl": Corpus(
        subjects=(
            "Drukarka nie drukuje",
            "Połączenie VPN ciągle się zrywa",
            "Nie mogę zalogować się do systemu księgowego",
            "Outlook nie odbiera poczty",
            "Potrzebny dostęp do folderu wspólnego",
            "Laptop bardzo zwalnia po aktualizacji",
            "Nie działa Wi-Fi w sali konferencyjnej",
            "Nowy pracownik potrzebuje konta",
            "Brak sygnału w telefonie",
            "Skaner zapisuje puste pliki",
            "Hasło wygasło, nie mogę go zmienić",
            "Klient VPN prosi o certyfikat",
            "Monitor migocze",
            "Proszę zainstalować Visio",
            "Strona zwraca błąd 502",
            "Kopia zapasowa nie wykonała się w nocy",
        ),
        places=("biuro 2", "recepcja", "magazyn", "centrala", "oddział w Gdańsku", "3 piętro"),
        details=(
            "Zaczęło się dziś rano po ponownym uruchomieniu komputera.",
            "Komunikat błędu mówi, że serwer jest niedostępny.",
            "Trzy osoby w dziale mają ten sam problem.",
            "Próbowaliśmy wyłączyć i włączyć, nie pomogło.",
            "To blokuje raport miesięczny, prosimy o pilną pomoc.",
            "Zrzut ekranu z błędem w załączniku.",
            "Wczoraj wieczorem wszystko działało.",
            "Problem występuje tylko przy połączeniu z domu.",
        ),
        agent_replies=(
            "Dziękujemy za zgłoszenie. Proszę podać nazwę komputera.",
            "Zrestartowaliśmy usługę po naszej stronie. Proszę spróbować ponownie.",
            "Połączyłem się zdalnie i przeinstalowałem sterownik.",
            "Konto zostało utworzone, hasło wysłano SMS-em.",
            "Proszę sprawdzić, czy problem nadal występuje.",
        ),
        requester_replies=(
            "Nazwa komputera to WS-0142.",
            "Tak, teraz działa, dziękuję!",
            "Niestety po godzinie problem wrócił.",
            "Będę w biurze po obiedzie, wtedy można się połączyć.",
        ),
        notes=(
            "Znany problem ze sterownikiem 3.2, zob. bazę wiedzy.",
            "Sprawdziłem logi: na bramie wygasł certyfikat.",
            "Jeśli się powtórzy — eskalować do L2.",
            "Klient VIP, informować na bieżąco.",
        ),
        resolutions=(
            "Sterownik przeinstalowany, urządzenie działa.",
            "Certyfikat na bramie VPN został odnowiony.",
            "Użytkownikowi nadano uprawnienia.",
            "Skrzynka była przepełniona, stare wiadomości zarchiwizowano.",
        ),
        first_names=(
            "Piotr",
            "Anna",
            "Krzysztof",
            "Katarzyna",
            "Tomasz",
            "Agnieszka",
            "Paweł",
            "Magdalena",
            "Marcin",
            "Joanna",
        ),
        last_names=(
            "Nowak",
            "Kowalska",
            "Wiśniewski",
            "Wójcik",
            "Kamiński",
            "Lewandowska",
            "Zieliński",
            "Szymańska",
            "Woźniak",
            "Dąbrowski",
        ),
        org_forms=("Sp. z o.o.", "S.A.", "Sp.j.", "S.C."),
        org_roots=("Wektor", "Orzeł", "Bałtyk", "Tęcza", "Granit", "Meridian", "Orion", "Świt"),
        positions=("Księgowa", "Kierownik sprzedaży", "Office manager", "Inżynier", "Dyrektor"),
    ),
}


def pick_language(rng: random.Random) -> str:
    return rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]


def subject(rng: random.Random, language: str) -> str:
    corpus = CORPORA[language]
    text = rng.choice(corpus.subjects)
    if rng.random() < 0.4:
        text = f"{text} ({rng.choice(corpus.places)})"
    return text


def description(rng: random.Random, language: str) -> str:
    corpus = CORPORA[language]
    return " ".join(rng.sample(corpus.details, rng.randint(2, 4)))


def agent_reply(rng: random.Random, language: str) -> str:
    return rng.choice(CORPORA[language].agent_replies)


def requester_reply(rng: random.Random, language: str) -> str:
    return rng.choice(CORPORA[language].requester_replies)


def internal_note(rng: random.Random, language: str) -> str:
    return rng.choice(CORPORA[language].notes)


def resolution(rng: random.Random, language: str) -> str:
    return rng.choice(CORPORA[language].resolutions)


def person(rng: random.Random, language: str) -> tuple[str, str]:
    corpus = CORPORA[language]
    return rng.choice(corpus.first_names), rng.choice(corpus.last_names)


def position(rng: random.Random, language: str) -> str:
    return rng.choice(CORPORA[language].positions)


def organization_name(rng: random.Random, language: str, index: int) -> str:
    """A unique organization name (the index keeps 300+ names distinct)."""
    corpus = CORPORA[language]
    root = rng.choice(corpus.org_roots)
    form = rng.choice(corpus.org_forms)
    name = f"{root}-{index:03d}"
    if language in {"ru", "uk"}:
        return f"{form} «{name}»"
    return f"{name} {form}"
