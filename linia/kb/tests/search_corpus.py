"""A small, realistic help-desk knowledge base in four languages and the queries it must answer.

Used by the search-quality tests (each query must find its articles in the top 3) and a good
start for demo data. Keys are stable names; bodies are Markdown.
"""

from __future__ import annotations

from typing import NamedTuple


class CorpusArticle(NamedTuple):
    key: str
    language: str
    title: str
    body: str


class CorpusQuery(NamedTuple):
    q: str
    expected: tuple[str, ...]  # keys, at least one must be in the top 3 (all, if they fit)


ARTICLES: tuple[CorpusArticle, ...] = (
    # --- English --------------------------------------------------------------------------
    CorpusArticle(
        "en_vpn",
        "en",
        "Connecting to the company VPN from home",
        "Install **GlobalProtect** from the software portal, enter `vpn.example.com` as the "
        "portal address and sign in with your work account. If the connection drops every few "
        "minutes, switch your home router to a wired connection and try again.",
    ),
    CorpusArticle(
        "en_password",
        "en",
        "Resetting a forgotten Windows password",
        "Open the self-service page, confirm your identity with the code sent to your phone and "
        "choose a new password of at least 12 characters. Passwords expire every 90 days.",
    ),
    CorpusArticle(
        "en_printer",
        "en",
        "The printer shows as offline",
        "When a network printer is offline, check that it is switched on and has an IP address, "
        "then remove it in *Printers & scanners* and add it again. Printing jobs stuck in the "
        "queue can be cancelled there too.",
    ),
    CorpusArticle(
        "en_outlook",
        "en",
        "Outlook keeps asking for my password",
        "Close Outlook, open Credential Manager and delete the entries that start with "
        "`MicrosoftOffice`. Start Outlook again and sign in once; the prompts should stop.",
    ),
    CorpusArticle(
        "en_wifi",
        "en",
        "Guest Wi-Fi access for visitors",
        "Visitors connect to the *Guest* wireless network. Reception prints a voucher that is "
        "valid for one day; staff laptops must use the corporate network instead.",
    ),
    CorpusArticle(
        "en_mfa",
        "en",
        "Setting up two-factor authentication",
        "Install Microsoft Authenticator on your phone, scan the QR code shown at sign-in and "
        "approve the first notification. Lost your phone? Call the service desk to reset MFA.",
    ),
    CorpusArticle(
        "en_camera",
        "en",
        "Camera not working in Microsoft Teams",
        "In Teams open *Settings → Devices* and choose the right camera. If the webcam is still "
        "black, check the privacy switch on the laptop and allow camera access in Windows.",
    ),
    CorpusArticle(
        "en_update",
        "en",
        "Windows Update fails with error 0x80070005",
        "Error 0x80070005 means access denied. Restart the computer, run the update "
        "troubleshooter, and if updates still fail, ask the service desk to reset the update "
        "components remotely.",
    ),
    CorpusArticle(
        "en_drive",
        "en",
        "Mapping a shared network drive",
        "Open File Explorer, choose *Map network drive*, pick the letter S: and enter "
        "`\\\\files\\shared`. Tick *Reconnect at sign-in* so the drive comes back after a restart.",
    ),
    CorpusArticle(
        "en_laptop",
        "en",
        "Requesting a new laptop",
        "New laptops are ordered through the service catalogue. Your manager approves the "
        "request; delivery takes about five working days and your data is migrated for you.",
    ),
    CorpusArticle(
        "en_slow",
        "en",
        "My computer is very slow",
        "Restart the computer at least once a week, close browser tabs you do not need and "
        "free disk space by emptying the Downloads folder. A full disk slows everything down.",
    ),
    # --- Russian --------------------------------------------------------------------------
    CorpusArticle(
        "ru_printer",
        "ru",
        "Принтер не печатает",
        "Если принтер не печатает, откройте очередь печати и удалите зависшие документы. "
        "Проверьте, что в принтере есть бумага и он подключён к сети. У сетевых принтеров "
        "на экране должен быть виден IP-адрес.",
    ),
    CorpusArticle(
        "ru_1c",
        "ru",
        "1С не запускается: база заблокирована",
        "Сообщение «база заблокирована» в 1С появляется, когда идёт обновление конфигурации "
        "или другой пользователь открыл базу монопольно. Подождите 10 минут и запустите 1С "
        "снова; если ошибка повторяется, сообщите администратору.",
    ),
    CorpusArticle(
        "ru_password",
        "ru",
        "Как сменить пароль от учётной записи",
        "Нажмите Ctrl+Alt+Del и выберите «Сменить пароль». Новый пароль должен содержать не "
        "меньше 12 символов, буквы и цифры. Старые пароли повторно использовать нельзя.",
    ),
    CorpusArticle(
        "ru_mailbox",
        "ru",
        "Почтовый ящик переполнен, письма не отправляются",
        "Когда почтовый ящик заполнен, почта перестаёт отправлять письма. Очистите папку "
        "«Удалённые», перенесите старые письма в архив и удалите большие вложения.",
    ),
    CorpusArticle(
        "ru_vpn",
        "ru",
        "Подключение к VPN через FortiClient",
        "Установите FortiClient, добавьте новое подключение с адресом vpn.example.ru и войдите "
        "под доменной учётной записью. Для подключения нужен код из SMS.",
    ),
    CorpusArticle(
        "ru_scan",
        "ru",
        "Сканирование документов в сетевую папку",
        "На МФУ выберите «Сканировать в папку» и найдите свою фамилию в адресной книге. "
        "Отсканированные документы появятся в папке \\\\files\\scan через минуту.",
    ),
    CorpusArticle(
        "ru_monitor",
        "ru",
        "Второй монитор не определяется",
        "Проверьте кабель HDMI или DisplayPort и нажмите Win+P, чтобы выбрать режим "
        "«Расширить». Если монитор всё равно не работает, обновите драйвер видеокарты.",
    ),
    CorpusArticle(
        "ru_phone",
        "ru",
        "Настройка IP-телефона на рабочем месте",
        "Подключите телефон к сетевой розетке, телефон сам получит настройки. Добавочный "
        "номер выдаёт служба поддержки; переадресация звонков настраивается кнопкой «Меню».",
    ),
    CorpusArticle(
        "ru_access",
        "ru",
        "Запрос доступа к общей папке",
        "Доступ к общим папкам выдаётся по заявке, которую согласует руководитель отдела. "
        "Укажите путь к папке и нужные права: только чтение или изменение.",
    ),
    CorpusArticle(
        "ru_keyboard",
        "ru",
        "Не переключается раскладка клавиатуры",
        "Раскладку переключают сочетанием Alt+Shift или Win+Пробел. Если русской раскладки "
        "нет, добавьте язык в параметрах Windows в разделе «Время и язык».",
    ),
    CorpusArticle(
        "ru_restore",
        "ru",
        "Восстановление удалённых файлов из резервной копии",
        "Файлы на сетевых дисках копируются каждую ночь. Чтобы восстановить удалённый файл, "
        "откройте свойства папки, вкладку «Предыдущие версии», и выберите нужную дату.",
    ),
    # --- Ukrainian ------------------------------------------------------------------------
    CorpusArticle(
        "uk_printer",
        "uk",
        "Принтер не друкує документи",
        "Якщо принтер не друкує, перевірте, чи є папір і чи не зам'ятий він. Відкрийте чергу "
        "друку та видаліть завдання, що зависли. Перезавантаження принтера часто допомагає.",
    ),
    CorpusArticle(
        "uk_mail",
        "uk",
        "Не надходить пошта",
        "Якщо пошта не надходить, перевірте папку «Спам» і правила пересилання. Поштова "
        "скринька має обмеження 50 ГБ; коли вона заповнена, листи не доставляються.",
    ),
    CorpusArticle(
        "uk_password",
        "uk",
        "Як змінити пароль до облікового запису",
        "Пароль змінюють на порталі самообслуговування. Новий пароль повинен мати щонайменше "
        "12 символів; попередні паролі використовувати не можна.",
    ),
    CorpusArticle(
        "uk_network",
        "uk",
        "Немає доступу до мережі на робочому місці",
        "Перевірте, чи підключений мережевий кабель і чи світиться індикатор. Якщо мережа "
        "недоступна лише на одному комп'ютері, перезавантажте його та повідомте службу підтримки.",
    ),
    CorpusArticle(
        "uk_vpn",
        "uk",
        "Налаштування VPN на ноутбуці",
        "Встановіть клієнт VPN з корпоративного порталу та увійдіть обліковим записом. Для "
        "підключення потрібен одноразовий код з додатка.",
    ),
    CorpusArticle(
        "uk_micro",
        "uk",
        "Не працює мікрофон у Zoom",
        "У налаштуваннях Zoom виберіть правильний мікрофон і перевірте рівень звуку. Дозвольте "
        "доступ до мікрофона в параметрах конфіденційності Windows.",
    ),
    CorpusArticle(
        "uk_key",
        "uk",
        "Оновлення кваліфікованого електронного підпису (КЕП)",
        "Термін дії ключа КЕП — два роки. За місяць до закінчення подайте заявку на новий "
        "сертифікат; старий ключ після оновлення видаліть з токена.",
    ),
    CorpusArticle(
        "uk_locked",
        "uk",
        "Обліковий запис заблоковано",
        "Після п'яти невдалих спроб входу обліковий запис блокується на 30 хвилин. Щоб "
        "розблокувати його раніше, зателефонуйте до служби підтримки.",
    ),
    CorpusArticle(
        "uk_onedrive",
        "uk",
        "Не синхронізуються файли OneDrive",
        "Клацніть значок хмари OneDrive і перевірте помилки синхронізації. Файли з "
        "недозволеними символами в назві не синхронізуються: перейменуйте їх.",
    ),
    CorpusArticle(
        "uk_forward",
        "uk",
        "Переадресація дзвінків на мобільний",
        "Переадресацію дзвінків вмикають у меню телефону: «Переадресація» → «Завжди», потім "
        "введіть номер мобільного. Вимкнути її можна тим самим меню.",
    ),
    CorpusArticle(
        "uk_install",
        "uk",
        "Встановлення програм на робочий комп'ютер",
        "Програми встановлюються через Центр програмного забезпечення. Якщо потрібної "
        "програми там немає, створіть заявку з назвою та обґрунтуванням.",
    ),
    # --- Polish ---------------------------------------------------------------------------
    CorpusArticle(
        "pl_printer",
        "pl",
        "Drukarka nie drukuje",
        "Jeśli drukarka nie drukuje, sprawdź, czy jest papier i toner. Usuń zawieszone "
        "zadania z kolejki wydruku i uruchom ponownie drukarkę.",
    ),
    CorpusArticle(
        "pl_password",
        "pl",
        "Reset hasła do konta firmowego",
        "Hasło zresetujesz na portalu samoobsługowym po potwierdzeniu kodem SMS. Nowe hasło "
        "musi mieć co najmniej 12 znaków i nie może powtarzać poprzednich haseł.",
    ),
    CorpusArticle(
        "pl_mailbox",
        "pl",
        "Skrzynka pocztowa jest pełna",
        "Gdy skrzynka jest pełna, poczta nie wysyła wiadomości. Opróżnij folder Elementy "
        "usunięte i przenieś stare wiadomości do archiwum.",
    ),
    CorpusArticle(
        "pl_vpn",
        "pl",
        "Połączenie VPN z domu",
        "Zainstaluj klienta VPN z portalu oprogramowania i zaloguj się kontem służbowym. Bez "
        "połączenia VPN dyski sieciowe nie są dostępne.",
    ),
    CorpusArticle(
        "pl_wifi",
        "pl",
        "Sieć Wi-Fi dla gości",
        "Goście łączą się z siecią Guest. Recepcja wydaje kod dostępu ważny przez jeden dzień.",
    ),
    CorpusArticle(
        "pl_camera",
        "pl",
        "Kamera nie działa w Teams",
        "W aplikacji Teams otwórz Ustawienia → Urządzenia i wybierz kamerę. Sprawdź też "
        "przełącznik prywatności na laptopie.",
    ),
    CorpusArticle(
        "pl_monitor",
        "pl",
        "Monitor nie wyświetla obrazu",
        "Sprawdź kabel zasilający i kabel HDMI monitora. Naciśnij Win+P i wybierz tryb "
        "Rozszerz, gdy podłączasz drugi monitor.",
    ),
    CorpusArticle(
        "pl_laptop",
        "pl",
        "Zamówienie nowego laptopa",
        "Nowy laptop zamawiasz w katalogu usług. Wniosek zatwierdza przełożony, a dostawa "
        "trwa około pięciu dni roboczych.",
    ),
    CorpusArticle(
        "pl_restore",
        "pl",
        "Przywracanie usuniętych plików",
        "Pliki z dysków sieciowych są kopiowane co noc. Usunięty plik przywrócisz z zakładki "
        "Poprzednie wersje we właściwościach folderu.",
    ),
    CorpusArticle(
        "pl_excel",
        "pl",
        "Excel zawiesza się przy otwieraniu pliku",
        "Uruchom Excel w trybie awaryjnym (przytrzymaj Ctrl) i wyłącz dodatki. Duże pliki "
        "z makrami otwieraj z dysku lokalnego, nie z poczty.",
    ),
    CorpusArticle(
        "pl_phone",
        "pl",
        "Konfiguracja poczty na telefonie służbowym",
        "Zainstaluj aplikację Outlook na telefonie i zaloguj się kontem służbowym. Telefon "
        "musi mieć ustawioną blokadę ekranu.",
    ),
)

QUERIES: tuple[CorpusQuery, ...] = (
    # English: plain words, inflected forms, codes, multi-word, typos in short queries
    CorpusQuery("vpn connection drops", ("en_vpn",)),
    CorpusQuery("forgotten password", ("en_password",)),
    CorpusQuery("printers offline", ("en_printer",)),
    CorpusQuery("outlook password prompts", ("en_outlook",)),
    CorpusQuery("wifi for guests", ("en_wifi", "pl_wifi")),
    CorpusQuery("authenticator", ("en_mfa",)),
    CorpusQuery("webcam teams", ("en_camera",)),
    CorpusQuery("0x80070005", ("en_update",)),
    CorpusQuery("map network drives", ("en_drive",)),
    CorpusQuery("new laptop request", ("en_laptop",)),
    CorpusQuery("computer slow", ("en_slow",)),
    CorpusQuery("pasword reset", ("en_password",)),
    CorpusQuery("authentcator", ("en_mfa",)),
    # Russian
    CorpusQuery("принтер не печатает", ("ru_printer",)),
    CorpusQuery("принтера", ("ru_printer", "uk_printer")),
    CorpusQuery("1С база заблокирована", ("ru_1c",)),
    CorpusQuery("1c", ("ru_1c",)),
    CorpusQuery("сменить пароль", ("ru_password",)),
    CorpusQuery("почтовый ящик переполнен", ("ru_mailbox",)),
    CorpusQuery("письма не отправляются", ("ru_mailbox",)),
    CorpusQuery("мониторы", ("ru_monitor",)),
    CorpusQuery("раскладки клавиатуры", ("ru_keyboard",)),
    CorpusQuery("восстановить удалённые файлы", ("ru_restore",)),
    CorpusQuery("сканирование", ("ru_scan",)),
    CorpusQuery("переадресация звонков", ("ru_phone",)),
    CorpusQuery("клавиатра", ("ru_keyboard",)),
    # Ukrainian
    CorpusQuery("принтер не друкує", ("uk_printer",)),
    CorpusQuery("пошта", ("uk_mail",)),
    CorpusQuery("пошти немає", ("uk_mail",)),
    CorpusQuery("змінити пароль", ("uk_password",)),
    CorpusQuery("мережі", ("uk_network",)),
    CorpusQuery("мікрофон", ("uk_micro",)),
    CorpusQuery("КЕП сертифікат", ("uk_key",)),
    CorpusQuery("заблоковано обліковий запис", ("uk_locked",)),
    CorpusQuery("синхронізація OneDrive", ("uk_onedrive",)),
    CorpusQuery("переадресацію дзвінків", ("uk_forward",)),
    CorpusQuery("встановити програму", ("uk_install",)),
    CorpusQuery("мікрофрн", ("uk_micro",)),
    # Polish
    CorpusQuery("drukarka", ("pl_printer",)),
    CorpusQuery("drukarki nie drukują", ("pl_printer",)),
    CorpusQuery("resetowanie hasła", ("pl_password",)),
    CorpusQuery("pełna skrzynka", ("pl_mailbox",)),
    CorpusQuery("vpn z domu", ("pl_vpn",)),
    CorpusQuery("kamery", ("pl_camera",)),
    CorpusQuery("monitora", ("pl_monitor",)),
    CorpusQuery("nowy laptop", ("pl_laptop",)),
    CorpusQuery("przywrócić pliki", ("pl_restore",)),
    CorpusQuery("excel zawiesza", ("pl_excel",)),
    CorpusQuery("poczta na telefonie", ("pl_phone",)),
    CorpusQuery("drukrka", ("pl_printer",)),
)
