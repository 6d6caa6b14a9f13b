"""The demo knowledge base: a category tree and help-desk articles in English, Russian,
Ukrainian and Polish, written for the demo clients' typical problems.

Everything goes through `linia.kb.services`, so every article has its first revision and its
search document. A few articles carry views and votes (the manager's lists), two were last
reviewed long ago (the owners' upkeep list), one is limited to each of two organizations, and
two document solved demo tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from linia.accounts.models import User
from linia.core.access import Actor
from linia.directory.access import actor_for_user
from linia.directory.models import Organization
from linia.kb import services as kb_services
from linia.kb.models import KbCategory, LinkKind
from linia.tickets.models import Ticket

from .content import PEOPLE


@dataclass(frozen=True)
class KbCategorySpec:
    key: str
    name: str
    parent: str = ""


@dataclass(frozen=True)
class ArticleSpec:
    language: str
    title: str
    body: str
    category: str  # KbCategorySpec.key
    tags: tuple[str, ...]
    owner: str  # a staff username
    visibility: str = "public"
    organization: str = ""  # OrganizationSpec.key, for visibility "organizations"
    status: str = "published"
    views: int = 0
    # "Was this helpful?" votes of the demo requesters, in PEOPLE order: "+" yes, "-" no.
    votes: str = ""
    reviewed_days_ago: int | None = None  # published and last reviewed that long ago
    source_ticket: str = ""  # subject of the solved demo ticket the article documents
    related_ticket: str = ""  # subject of a demo ticket the article was used in a reply to


KB_CATEGORIES = (
    KbCategorySpec("printing", "Printing & scanning"),
    KbCategorySpec("printers", "Printers", parent="printing"),
    KbCategorySpec("scanners", "Scanners", parent="printing"),
    KbCategorySpec("network", "Network & VPN"),
    KbCategorySpec("vpn", "VPN", parent="network"),
    KbCategorySpec("wifi", "Wi-Fi", parent="network"),
    KbCategorySpec("mail", "E-mail & calendar"),
    KbCategorySpec("accounts", "Accounts & passwords"),
    KbCategorySpec("workstations", "Workstations"),
    KbCategorySpec("meetings", "Calls & meetings", parent="workstations"),
    KbCategorySpec("software", "Business software"),
    KbCategorySpec("files", "Files & backups"),
    KbCategorySpec("security", "Security"),
    KbCategorySpec("procedures", "Service desk procedures"),
)

# The requesters and client managers, in the order they vote.
VOTERS = ("olena", "taras", "iryna", "kasia", "piotr", "marek", "svetlana", "dmitry", "natalia")

ARTICLES_EN = (
    ArticleSpec(
        language="en",
        title="The printer shows “Offline” in Windows",
        category="printers",
        tags=("printer", "windows"),
        owner="agent1",
        views=57,
        votes="+++-+",
        body="""\
When Windows marks a network printer **Offline**, jobs wait in the queue and nothing prints.
In most cases the printer lost its network connection or changed its address.

## Steps

1. Check the printer's display: it must be on and show no error (paper, toner, jam).
2. Print the network configuration page from the printer menu and note the **IP address**.
3. On your PC open **Settings → Bluetooth & devices → Printers & scanners**, choose the printer
   and click **Open print queue**.
4. In the queue window open the **Printer** menu and clear **Use Printer Offline**.
5. Cancel the stuck jobs and print a test page.

If the test page does not come out, send us a request with the photo of the configuration
page: the printer's port may need the new address.
""",
    ),
    ArticleSpec(
        language="en",
        title="Clearing a paper jam",
        category="printers",
        tags=("printer", "paper jam"),
        owner="agent1",
        views=23,
        body="""\
## Before you start

Switch the printer **off** and wait five minutes: the fuser inside gets very hot.

## Steps

1. Take out the paper tray and remove any crumpled sheets.
2. Open the front cover, pull the toner cartridge out and look for paper under it.
3. Open the rear cover and pull the jammed sheet **in the direction of the paper path**, with
   both hands, slowly. A torn scrap left inside causes the next jam.
4. Close all covers, switch the printer on and print a test page.

> If the display still says “Paper jam” with no paper inside, do not use tools: register a
> request and an engineer will come.
""",
    ),
    ArticleSpec(
        language="en",
        title="Installing the office printer on a Windows 11 laptop",
        category="printers",
        tags=("printer", "driver", "windows"),
        owner="agent1",
        views=18,
        body="""\
Office printers are published on the print server, so you never download drivers yourself.

1. Connect to the office network (or the VPN).
2. Press **Win + R**, type the print server's name and press **Enter**:

   ```
   \\\\print01
   ```

3. Double-click the printer named after your floor, e.g. `2F-MFP`. Windows installs the driver.
4. Right-click the printer → **Set as default**.

To see which printers you already have, run in PowerShell:

```powershell
Get-Printer | Select-Object Name, PortName, DriverName
```
""",
    ),
    ArticleSpec(
        language="en",
        title="Connecting to the office VPN from home",
        category="vpn",
        tags=("vpn", "remote work"),
        owner="engineer",
        views=41,
        votes="++-",
        body="""\
You need the company laptop (the VPN certificate lives on it) and a working home internet.

## Connect

1. Click the network icon in the taskbar → **VPN** → **Office VPN** → **Connect**.
2. Sign in with your usual account and confirm the sign-in in the authenticator app.

## Common errors

| Error | What it means | What to do |
|---|---|---|
| 691 / “Authentication failed” | wrong password or expired certificate | check the password; if it is right, register a request |
| 809 | the home router blocks VPN traffic | restart the router; try a phone hotspot |
| 812 | your account has no VPN access | ask your manager to approve VPN access |
| Connects, then drops | unstable Wi-Fi | connect by cable or move closer to the router |

When you register a request, include the error number and a screenshot.
""",
    ),
    ArticleSpec(
        language="en",
        title="Outlook says “Your mailbox is full”",
        category="mail",
        tags=("outlook", "mailbox", "e-mail"),
        owner="agent1",
        views=29,
        body="""\
A full mailbox stops sending first, then receiving. Free space like this:

1. Empty **Deleted Items** and **Junk Email** (right-click the folder → **Empty folder**).
2. Search for large messages: in the search box type `size:>10MB`, save the attachments you
   need to OneDrive or the shared drive, then delete the messages.
3. Turn on the **Online archive** if your plan includes it: **File → Tools → Mailbox
   Cleanup**.

Your quota is shown in **File → Info → Mailbox settings**. If you need more space for work,
ask your manager to approve a larger mailbox and register a request.
""",
    ),
    ArticleSpec(
        language="en",
        title="Resetting your password and setting up two-factor authentication",
        category="accounts",
        tags=("password", "2fa", "account"),
        owner="agent1",
        views=36,
        votes="++",
        body="""\
## Forgot your password

1. Open the sign-in page and click **Forgot password?**
2. Enter your work e-mail; a code comes to the phone number registered for you.
3. Choose a new password: at least 12 characters, not used before.

If no code comes, call the service desk: we check who you are before resetting it.

## Two-factor authentication (2FA)

1. Install **Microsoft Authenticator** on your phone.
2. Go to **My account → Security info → Add sign-in method → Authenticator app**.
3. Scan the QR code and approve the test notification.

**Changing your phone?** Add the app on the new phone *before* you reset the old one.
We never ask for your password or a code by phone or e-mail.
""",
    ),
    ArticleSpec(
        language="en",
        title="How to report a phishing e-mail",
        category="security",
        tags=("phishing", "security", "e-mail"),
        owner="lead",
        views=15,
        body="""\
Signs of phishing: urgency (“your account will be blocked today”), a sender address that only
looks like a known one, a link to a sign-in page, an unexpected invoice or archive.

## What to do

1. **Do not** click links, open attachments or reply.
2. In Outlook select the message → **Report → Report phishing**.
3. If you already clicked a link or typed your password, change the password right away and
   call the service desk: minutes matter.

Forwarding the message to colleagues “to warn them” spreads it; report it instead.
""",
    ),
    ArticleSpec(
        language="en",
        title="Requesting accounts and equipment for a new employee",
        category="accounts",
        tags=("onboarding", "new employee", "account"),
        owner="manager",
        views=12,
        body="""\
Register the request **at least three working days** before the first day, so that the
laptop, the account and the accesses are ready.

Include in the request:

| What | Example |
|---|---|
| Full name and position | Andrii Boiko, logistics specialist |
| First working day | Monday, 2 March |
| Manager | Iryna Kravets |
| Mailbox and groups | logistics@, warehouse schedule calendar |
| Applications | WMS, 1C (read only) |
| Shared folders | Logistics (read and write) |
| Equipment | laptop, headset, second monitor |

The manager approves the accesses in the request; we send the sign-in details to the manager,
never to a private address.
""",
    ),
    ArticleSpec(
        language="en",
        title="Windows Update is stuck on “Working on updates”",
        category="workstations",
        tags=("windows", "updates"),
        owner="engineer",
        views=9,
        body="""\
Large updates can take up to an hour, especially on older disks. Wait at least **60
minutes** with the laptop on the charger before doing anything.

If nothing changes after an hour:

1. Hold the power button for 10 seconds to switch off, then switch on again.
2. Windows usually undoes the update and starts normally.
3. Open **Settings → Windows Update** and click **Check for updates** again, before leaving
   the office rather than in the morning.

If Windows does not start, or the same update fails twice, register a request with the
update's number (e.g. `KB5034441`) from **Update history**.
""",
    ),
    ArticleSpec(
        language="en",
        title="Nobody hears me in Teams or Zoom",
        category="meetings",
        tags=("teams", "zoom", "microphone", "audio"),
        owner="agent1",
        views=21,
        votes="+--",
        body="""\
1. Check the mute button on the headset cable and in the meeting.
2. In Teams: **Settings → Devices**; in Zoom: **Settings → Audio**. Choose your headset as
   both the speaker and the microphone, and watch the level move when you speak.
3. In Windows: **Settings → Privacy & security → Microphone**: allow microphone access for
   desktop apps.
4. Unplug the headset, plug it into another USB port and rejoin the meeting.

A Bluetooth headset connected to the phone as well may take the microphone away: disconnect
it from the phone.
""",
    ),
    ArticleSpec(
        language="en",
        title="Getting a deleted file back from the backup",
        category="files",
        tags=("backup", "restore", "shared drive"),
        owner="engineer",
        views=14,
        body="""\
Files on the shared drives are backed up every night and kept for **30 days**.

1. First look in the folder's previous versions: right-click the folder → **Properties →
   Previous versions**. Most files come back from there in a minute.
2. If it is not there, register a request with:
   - the full path, e.g. `S:\\Accounting\\2026\\Invoices`;
   - the file name (or part of it);
   - when you last saw the file.

We restore into a `Restored` subfolder next to the original, so nothing is overwritten.
""",
    ),
    ArticleSpec(
        language="en",
        title="L2: resetting a stuck print spooler on the terminal server",
        category="procedures",
        tags=("printer", "spooler", "terminal server", "l2"),
        owner="engineer",
        visibility="internal",
        views=8,
        body="""\
**Symptom:** several users of the terminal server see jobs stuck in “Printing”, and new jobs
queue behind them. Restarting one printer does not help.

## Procedure

1. Tell the users in the ticket that printing stops for about two minutes.
2. Connect to the terminal server with your admin account (from the vault entry of the
   client's card).
3. In an elevated PowerShell:

   ```powershell
   Stop-Service -Name Spooler -Force
   Remove-Item -Path "$env:SystemRoot\\System32\\spool\\PRINTERS\\*" -Force
   Start-Service -Name Spooler
   ```

4. Check that the printers are back: `Get-Printer | Where-Object PrinterStatus -ne 'Normal'`
   must return nothing.
5. Ask one user to print a test page and note the time in the ticket.

If the spooler stops again within a day, look for a faulty driver in the event log
(*PrintService/Admin*) and escalate to L3 with the driver name.
""",
    ),
    ArticleSpec(
        language="en",
        title="L1: checklist before escalating a VPN ticket",
        category="procedures",
        tags=("vpn", "l1", "escalation"),
        owner="engineer",
        visibility="internal",
        reviewed_days_ago=420,
        body="""\
Escalate to L2 only after these checks, and write each result in an internal note:

- [ ] The account is enabled and not locked in AD.
- [ ] The user is a member of the `VPN-Users` group.
- [ ] The device certificate is valid (check the expiry date in the laptop's record).
- [ ] The error number from the VPN client (691, 809, 812…).
- [ ] It fails on another network too (phone hotspot).

Cisco AnyConnect 4.x is no longer used; if the user still has it, it is an L1 reinstall.
""",
    ),
)

ARTICLES_RU = (
    ArticleSpec(
        language="ru",
        title="Принтер пишет «Замятие бумаги», но бумаги внутри не видно",
        category="printers",
        tags=("принтер", "замятие бумаги"),
        owner="agent2",
        views=34,
        related_ticket="Не печатает принтер в регистратуре",
        votes="+++",
        body="""\
Чаще всего это обрывок бумаги в печке (фьюзере) или у задней крышки.

## Что сделать

1. Выключите принтер и подождите **10 минут** — печка горячая.
2. Выньте лоток и картридж, осмотрите ролики подачи.
3. Откройте заднюю крышку. Если она не открывается — не тяните с силой, а оставьте заявку.
4. Вытяните обрывок бумаги двумя руками **по ходу движения бумаги**.
5. Включите принтер и напечатайте тестовую страницу.

Если индикатор по-прежнему мигает оранжевым, оставьте заявку и приложите фото экрана
принтера — приедет инженер.
""",
    ),
    ArticleSpec(
        language="ru",
        title="Как сбросить пароль и включить двухфакторную аутентификацию",
        category="accounts",
        tags=("пароль", "2fa", "учётная запись"),
        owner="agent2",
        views=27,
        body="""\
## Забыли пароль

1. На странице входа нажмите **«Забыли пароль?»**.
2. Введите рабочую почту — код придёт на ваш мобильный телефон.
3. Придумайте новый пароль: не короче 12 символов, без имени и даты рождения.

Если код не приходит, позвоните в службу поддержки. Мы сначала убедимся, что звоните именно
вы, и только потом сбросим пароль.

## Двухфакторная аутентификация

1. Установите на телефон приложение **Microsoft Authenticator**.
2. Откройте **Моя учётная запись → Сведения о безопасности → Добавить способ входа**.
3. Отсканируйте QR-код и подтвердите тестовое уведомление.

Мы **никогда** не спрашиваем пароль или код по телефону и почте.
""",
    ),
    ArticleSpec(
        language="ru",
        title="МФУ не отправляет отсканированные документы на почту",
        category="scanners",
        tags=("сканер", "мфу", "почта"),
        owner="agent2",
        views=16,
        votes="+-+",
        body="""\
1. Проверьте адрес получателя на экране МФУ: частая ошибка — лишняя точка или пробел.
2. Отсканируйте одну страницу: большие документы (больше **10 МБ**) почтовый сервер
   не принимает. Для многостраничных документов выберите разрешение **200 dpi** и формат PDF.
3. Посмотрите журнал заданий на МФУ: **Состояние задания → Журнал**. Код ошибки
   запишите в заявку.

| Код на МФУ | Причина |
|---|---|
| 1102 | МФУ не может подключиться к почтовому серверу |
| 1105 | сервер отклонил письмо (слишком большое) |
| 1107 | неверный адрес получателя |

При кодах 1102 и 1105 оставьте заявку — это настраивает инженер.
""",
    ),
    ArticleSpec(
        language="ru",
        title="Outlook: «Почтовый ящик переполнен»",
        category="mail",
        tags=("outlook", "почта", "почтовый ящик"),
        owner="agent2",
        views=22,
        body="""\
Когда ящик переполнен, сначала перестают уходить письма, потом — приходить.

1. Очистите папки **«Удалённые»** и **«Нежелательная почта»** (правой кнопкой → **Очистить
   папку**).
2. Найдите большие письма: в поиске введите `size:>10MB`. Нужные вложения сохраните на
   сетевой диск, письма удалите.
3. Включите архив: **Файл → Сведения → Средства → Очистка почтового ящика**.

Сколько места осталось, видно в **Файл → Сведения**. Если места не хватает для работы,
руководитель может согласовать увеличение ящика — оставьте заявку.
""",
    ),
    ArticleSpec(
        language="ru",
        title="1С: «Не удалось подключиться к серверу 1С:Предприятия»",
        category="software",
        tags=("1с", "бухгалтерия"),
        owner="engineer",
        views=19,
        body="""\
Ошибка появляется, когда компьютер не видит сервер 1С.

1. Проверьте интернет и, если вы работаете из дома, подключение к **VPN**.
2. Закройте 1С полностью и откройте снова.
3. В окне выбора базы нажмите **Изменить** и проверьте, что сервер указан как
   `srv1c` (а не IP-адрес).
4. Если ошибка у всех сотрудников сразу — это не ваш компьютер: сразу звоните в поддержку.

В заявке укажите текст ошибки целиком (лучше снимок экрана) и имя базы.
""",
    ),
    ArticleSpec(
        language="ru",
        title="МИС медленно открывает карту пациента: что проверить до звонка",
        category="software",
        tags=("мис", "медленно"),
        owner="agent2",
        visibility="organizations",
        organization="zdorovye",
        views=11,
        votes="++",
        body="""\
Памятка для сотрудников клиники «Здоровье».

1. Спросите коллег в соседних кабинетах: медленно у всех или только у вас?
   - **У всех** — звоните в поддержку, это сервер или обновление МИС.
   - **Только у вас** — продолжайте по шагам ниже.
2. Закройте лишние вкладки браузера и программы (особенно видео).
3. Перезагрузите компьютер в перерыве между приёмами.
4. Проверьте кабель сети: на ноутбуке по Wi-Fi МИС работает медленнее.

В заявке укажите номер кабинета и время, когда началось.
""",
    ),
    ArticleSpec(
        language="ru",
        title="Ноутбук не подключается к Wi-Fi",
        category="wifi",
        tags=("wi-fi", "сеть", "ноутбук"),
        owner="agent2",
        views=25,
        body="""\
1. Проверьте, что Wi-Fi включён: значок сети в правом нижнем углу или клавиша **Fn + F2**.
2. Выберите сеть **сотрудников**, а не гостевую: из гостевой сети МИС и принтеры
   недоступны.
3. Если сеть видна, но не подключается: нажмите на неё правой кнопкой → **Забыть** и
   подключитесь снова.
4. Перезагрузите ноутбук.

Если не подключается только в одном кабинете, а в других всё работает, — оставьте заявку
с номером кабинета: возможно, неисправна точка доступа.
""",
    ),
    ArticleSpec(
        language="ru",
        title="Нет звука или меня не слышно в Zoom и Teams",
        category="meetings",
        tags=("zoom", "teams", "микрофон", "звук"),
        owner="agent2",
        views=13,
        body="""\
1. Проверьте кнопку выключения микрофона на гарнитуре и в самой встрече.
2. В Zoom: **Настройки → Звук**, в Teams: **Настройки → Устройства**. Выберите гарнитуру и
   для динамика, и для микрофона.
3. Windows: **Параметры → Конфиденциальность → Микрофон** — разрешите доступ классическим
   приложениям.
4. Переподключите гарнитуру в другой USB-порт и зайдите во встречу заново.
""",
    ),
    ArticleSpec(
        language="ru",
        title="Подозрительное письмо: как распознать фишинг и куда сообщить",
        category="security",
        tags=("фишинг", "безопасность", "почта"),
        owner="lead",
        views=17,
        body="""\
Признаки фишинга:

- срочность: «ваш ящик будет заблокирован сегодня»;
- адрес отправителя похож на знакомый, но отличается одной буквой;
- ссылка ведёт на страницу входа или просит «подтвердить пароль»;
- неожиданный счёт, архив или документ с макросами.

## Что делать

1. Не открывайте ссылки и вложения, не отвечайте.
2. В Outlook выделите письмо → **Сообщить → Сообщить о фишинге**.
3. Если вы уже ввели пароль — сразу смените его и позвоните в поддержку.
""",
    ),
    ArticleSpec(
        language="ru",
        title="Как восстановить удалённый файл из резервной копии",
        category="files",
        tags=("резервная копия", "восстановление", "сетевой диск"),
        owner="engineer",
        views=8,
        body="""\
Файлы на сетевых дисках копируются каждую ночь и хранятся **30 дней**.

1. Сначала попробуйте сами: правой кнопкой по папке → **Свойства → Предыдущие версии**.
2. Если файла там нет, оставьте заявку и укажите:
   - полный путь к папке;
   - имя файла (хотя бы часть);
   - когда вы видели файл в последний раз.

Восстановленный файл появится в подпапке `Restored` рядом с исходной — ничего не
перезапишется.
""",
    ),
    ArticleSpec(
        language="ru",
        title="L2: пересоздание профиля Outlook",
        category="procedures",
        tags=("outlook", "профиль", "l2"),
        owner="engineer",
        visibility="internal",
        views=6,
        body="""\
Когда помогает: Outlook зависает при запуске, поиск не находит письма, ошибки OST-файла.

1. Предупредите пользователя: первый запуск после пересоздания займёт время (загрузка почты).
2. Закройте Outlook. **Панель управления → Почта → Показать профили → Добавить**.
3. Назовите профиль по дате, например `Outlook-2026-03`, и добавьте учётную запись.
4. Выберите **«Всегда использовать этот профиль»** — новый профиль.
5. Старый профиль не удаляйте неделю: в нём могут быть локальные PST-архивы.

```
%LOCALAPPDATA%\\Microsoft\\Outlook\\
```

Если проблема повторяется в новом профиле — проверьте надстройки (запуск `outlook.exe /safe`).
""",
    ),
)

ARTICLES_UK = (
    ArticleSpec(
        language="uk",
        title="Принтер не друкує: завдання зависли в черзі",
        category="printers",
        tags=("принтер", "черга друку"),
        owner="agent1",
        views=31,
        related_ticket="Принтер на складі не друкує накладні",
        votes="++",
        body="""\
1. Перевірте, що принтер увімкнений і на екрані немає помилки (папір, тонер, замяття).
2. Відкрийте **Параметри → Bluetooth і пристрої → Принтери та сканери**, виберіть принтер →
   **Відкрити чергу друку**.
3. Скасуйте всі завдання: меню **Принтер → Скасувати всі документи**.
4. Вимкніть принтер на 30 секунд і увімкніть знову.
5. Надрукуйте пробну сторінку.

Якщо завдання знову зависають, а принтер у мережі, — залиште заявку: можливо, треба
перезапустити службу друку на сервері.
""",
    ),
    ArticleSpec(
        language="uk",
        title="VPN не підключається: «Помилка автентифікації»",
        category="vpn",
        tags=("vpn", "віддалена робота", "сертифікат"),
        owner="agent1",
        views=24,
        related_ticket="Не підключається VPN з дому",
        body="""\
Ця помилка буває з двох причин: неправильний пароль або прострочений сертифікат ноутбука.

1. Перевірте пароль: увійдіть ним у пошту в браузері.
2. Якщо пароль правильний, а VPN не підключається, — найімовірніше, закінчився сертифікат.
   Його випускаємо ми: залиште заявку, ноутбук має бути увімкнений і в інтернеті.
3. Після того як ми повідомимо про новий сертифікат, перезавантажте ноутбук і підключіться
   знову.

| Що бачите | Що робити |
|---|---|
| «Помилка автентифікації» | перевірити пароль, далі — заявка |
| Помилка 809 | перезавантажити домашній роутер |
| Підключається і відразу відключається | підключитися кабелем або ближче до роутера |
""",
    ),
    ArticleSpec(
        language="uk",
        title="Outlook на телефоні не синхронізує календар",
        category="mail",
        tags=("outlook", "календар", "телефон"),
        owner="agent1",
        views=12,
        source_ticket="Outlook на телефоні не синхронізує календар",
        votes="+",
        body="""\
## Проблема

Пошта на телефоні приходить, а зустрічі, створені на комп'ютері, у календарі Outlook на
телефоні не з'являються.

## Рішення

1. Оновіть Outlook у **Google Play** або **App Store** — старі версії більше не
   синхронізують календар.
2. В Outlook: **Налаштування → обліковий запис → Видалити обліковий запис** (дані лишаються
   на сервері).
3. Додайте обліковий запис знову й увімкніть **Синхронізувати календарі**.

Через 2–3 хвилини зустрічі з'являться на телефоні.
""",
    ),
    ArticleSpec(
        language="uk",
        title="Як змінити пароль і налаштувати двофакторну автентифікацію",
        category="accounts",
        tags=("пароль", "2fa", "обліковий запис"),
        owner="agent1",
        views=20,
        body="""\
## Змінити пароль

1. Натисніть **Ctrl + Alt + Del → Змінити пароль** (на комп'ютері в офісі або через VPN).
2. Новий пароль: щонайменше 12 символів, не такий, як попередні.
3. Після зміни пароля введіть його на телефоні в Outlook, коли він попросить.

## Двофакторна автентифікація

1. Встановіть **Microsoft Authenticator**.
2. Відкрийте **Мій обліковий запис → Відомості про безпеку → Додати спосіб входу**.
3. Відскануйте QR-код і підтвердіть тестове сповіщення.

Ми **ніколи** не питаємо пароль чи код телефоном або поштою.
""",
    ),
    ArticleSpec(
        language="uk",
        title="Wi-Fi: ноутбук бачить мережу, але не підключається",
        category="wifi",
        tags=("wi-fi", "мережа", "ноутбук"),
        owner="agent1",
        views=15,
        body="""\
1. Натисніть на мережу правою кнопкою → **Забути** і підключіться знову з паролем.
2. Перезавантажте ноутбук.
3. Перевірте в іншій кімнаті. Якщо там усе працює, проблема в точці доступу цієї кімнати —
   залиште заявку з назвою кімнати.
4. Якщо не підключається ніде, а телефон підключається, — залиште заявку з назвою ноутбука
   (наклейка знизу).
""",
    ),
    ArticleSpec(
        language="uk",
        title="Доступ до спільної папки відділу",
        category="files",
        tags=("спільна папка", "доступ", "мережевий диск"),
        owner="agent1",
        views=10,
        body="""\
Доступ до папок дає не служба підтримки, а керівник відділу — ми лише виконуємо.

1. Залиште заявку: назва папки (наприклад, `\\\\dc-srv-01\\Logistics`), кому потрібен доступ і
   який — **читання** чи **читання та зміна**.
2. Керівник відділу підтверджує заявку.
3. Після виконання вийдіть із системи і увійдіть знову — папка з'явиться.

Помилка «Немає доступу» після цього означає, що ви не перезайшли в систему.
""",
    ),
    ArticleSpec(
        language="uk",
        title="Новий співробітник: як подати заявку",
        category="accounts",
        tags=("новий співробітник", "обліковий запис"),
        owner="manager",
        views=7,
        body="""\
Подайте заявку щонайменше за **три робочі дні** до першого робочого дня.

| Що вказати | Приклад |
|---|---|
| ПІБ і посада | Андрій Бойко, логіст |
| Перший робочий день | понеділок |
| Пошта і групи | logistics@ |
| Програми | WMS, 1С (тільки перегляд) |
| Спільні папки | Логістика (читання та зміна) |
| Обладнання | ноутбук, гарнітура |

Дані для входу ми передаємо керівникові, а не на приватну пошту.
""",
    ),
    ArticleSpec(
        language="uk",
        title="1С: Бухгалтерія не відкриває базу після оновлення",
        category="software",
        tags=("1с", "бухгалтерія", "оновлення"),
        owner="engineer",
        views=9,
        body="""\
Після оновлення платформи 1С перший запуск може тривати до 10 хвилин — не закривайте вікно.

Якщо з'являється помилка «Версія клієнта не відповідає версії сервера»:

1. Закрийте 1С.
2. Запустіть ярлик **1С:Підприємство** з робочого столу, а не зі старої закладки в меню «Пуск».
3. Якщо помилка лишилась — залиште заявку з текстом помилки: оновимо клієнт віддалено.

Не відкривайте базу з двох комп'ютерів одночасно під одним користувачем.
""",
    ),
    ArticleSpec(
        language="uk",
        title="Друк накладних на складі в Борисполі",
        category="printers",
        tags=("накладні", "склад", "принтер", "wms"),
        owner="agent1",
        visibility="organizations",
        organization="dnipro",
        views=14,
        votes="++",
        body="""\
Пам'ятка для складу «Дніпро Карго» в Борисполі.

Накладні з WMS друкуються на принтер `WH-BOR-LABEL` через термінальний сервер.

1. Якщо накладні не друкуються, спершу перевірте принтер: папір, стрічка, зелений індикатор.
2. У WMS відкрийте **Документ → Друк → Повторити** — не створюйте накладну вдруге.
3. Якщо черга стоїть у всіх, телефонуйте в підтримку: перезапустимо службу друку, це
   займає 2 хвилини.

Поки друк не працює, накладні можна надрукувати в офісі й надіслати водієві фото.
""",
    ),
    ArticleSpec(
        language="uk",
        title="Windows не встановлює оновлення",
        category="workstations",
        tags=("windows", "оновлення"),
        owner="engineer",
        views=6,
        body="""\
1. Підключіть ноутбук до зарядки і залиште увімкненим на ніч.
2. **Параметри → Windows Update → Перевірити наявність оновлень**.
3. Якщо оновлення не встановлюється з помилкою, запишіть її код (наприклад, `0x80070643`).
4. Звільніть місце: потрібно щонайменше **20 ГБ** на диску C.

Якщо та сама помилка повторюється двічі, залиште заявку з кодом помилки.
""",
    ),
    ArticleSpec(
        language="uk",
        title="Резервна копія: як повернути видалений файл",
        category="files",
        tags=("резервна копія", "відновлення"),
        owner="engineer",
        views=11,
        body="""\
Файли на мережевих дисках копіюються щоночі й зберігаються **30 днів**.

1. Правою кнопкою на папці → **Властивості → Попередні версії** — більшість файлів
   повертаються звідти.
2. Якщо файлу там немає, залиште заявку: шлях до папки, назва файлу, коли ви бачили його
   востаннє.

Відновлений файл з'явиться в підпапці `Restored` поруч з оригіналом.
""",
    ),
    ArticleSpec(
        language="uk",
        title="L2: перевірка стану RAID на сервері клієнта",
        category="procedures",
        tags=("raid", "сервер", "l2"),
        owner="lead",
        visibility="internal",
        reviewed_days_ago=260,
        body="""\
Коли перевіряти: сервер повільно відповідає, диск завантажений на 100 %, у журналі є
попередження контролера.

1. Відкрийте iLO / iDRAC сервера (адреса — у картці активу клієнта, пароль — у сховищі).
2. **Storage → Logical drives**: стан має бути `OK`. `Degraded` або `Rebuilding` —
   запишіть у внутрішню нотатку і попередьте клієнта про повільну роботу.
3. Перевірте, який диск вийшов з ладу, і замовте заміну з тим самим номером партії.
4. Під час відновлення масиву не запускайте резервне копіювання вручну.

Якщо відмовив другий диск — негайно ескалюйте на L3.
""",
    ),
)

ARTICLES_PL = (
    ArticleSpec(
        language="pl",
        title="Drukarka drukuje puste strony",
        category="printers",
        tags=("drukarka", "toner"),
        owner="engineer",
        views=26,
        related_ticket="Drukarka w sekretariacie drukuje puste strony",
        votes="+++",
        body="""\
1. Wyjmij toner i zdejmij z niego **taśmę zabezpieczającą** — po wymianie często zostaje.
2. Delikatnie potrząśnij tonerem na boki i włóż go z powrotem do oporu.
3. Wydrukuj stronę testową z menu drukarki: **Ustawienia → Raporty → Strona testowa**.
4. Jeśli strona testowa też jest pusta, problem jest w drukarce (bęben), a nie w
   komputerze — zgłoś to; przyjedzie serwisant.

W zgłoszeniu podaj model drukarki i czy strona testowa jest pusta.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Drukarka jest w trybie offline",
        category="printers",
        tags=("drukarka", "offline", "windows"),
        owner="agent1",
        views=19,
        body="""\
1. Sprawdź, czy drukarka jest włączona i nie pokazuje błędu.
2. Otwórz **Ustawienia → Bluetooth i urządzenia → Drukarki i skanery**, wybierz drukarkę →
   **Otwórz kolejkę drukowania**.
3. W menu **Drukarka** odznacz **Użyj drukarki w trybie offline**.
4. Anuluj zawieszone dokumenty i wydrukuj stronę testową.

Jeśli drukarka dalej jest offline, wydrukuj z jej menu stronę konfiguracji sieci i dołącz
zdjęcie do zgłoszenia.
""",
    ),
    ArticleSpec(
        language="pl",
        title="VPN rozłącza się co kilka minut",
        category="vpn",
        tags=("vpn", "praca zdalna"),
        owner="engineer",
        views=17,
        related_ticket="VPN zrywa połączenie co 10 minut",
        votes="+---",
        body="""\
Najczęstsza przyczyna to niestabilne Wi-Fi w domu.

1. Podłącz laptop do routera **kablem** albo usiądź bliżej routera.
2. Wyłącz oszczędzanie energii karty sieciowej: **Menedżer urządzeń → Karty sieciowe →
   Właściwości → Zarządzanie energią** → odznacz wyłączanie urządzenia.
3. Uruchom ponownie router.
4. Sprawdź, czy połączenie zrywa się też przez hotspot w telefonie.

Jeśli przez hotspot działa stabilnie, problem jest po stronie domowego internetu. Jeśli nie —
zgłoś to i podaj godziny rozłączeń.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Jak udostępnić kalendarz w Outlooku asystentce",
        category="mail",
        tags=("outlook", "kalendarz", "udostępnianie"),
        owner="agent1",
        views=9,
        source_ticket="Jak udostępnić kalendarz asystentce?",
        votes="++",
        body="""\
## Problem

Asystentka ma prowadzić kalendarz mecenasa: widzieć i edytować jego spotkania.

## Rozwiązanie

Właściciel kalendarza:

1. W Outlooku otwiera **Kalendarz → Udostępnij kalendarz**.
2. Dodaje asystentkę i wybiera uprawnienie **Może edytować** (albo **Delegat**, jeśli ma też
   odpowiadać na zaproszenia w jego imieniu).
3. Klika **OK**.

Asystentka akceptuje zaproszenie z poczty; kalendarz pojawi się w sekcji **Kalendarze
udostępnione**.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Konto zablokowane — jak odblokować i zresetować hasło",
        category="accounts",
        tags=("hasło", "konto", "2fa"),
        owner="agent1",
        views=22,
        body="""\
Konto blokuje się na **15 minut** po pięciu błędnych próbach logowania — często przez stare
hasło zapisane w telefonie.

1. Odczekaj 15 minut i zaloguj się jeszcze raz, bardzo uważnie.
2. Jeśli nie pamiętasz hasła: na stronie logowania kliknij **Nie pamiętasz hasła?** — kod
   przyjdzie SMS-em.
3. Po zmianie hasła wpisz nowe hasło w poczcie na telefonie.

Jeśli konto blokuje się znowu, zadzwoń do nas: sprawdzimy, które urządzenie loguje się starym
hasłem.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Skrzynka pocztowa jest pełna",
        category="mail",
        tags=("outlook", "poczta", "skrzynka"),
        owner="agent1",
        views=11,
        body="""\
1. Opróżnij foldery **Elementy usunięte** i **Wiadomości-śmieci**.
2. Wyszukaj duże wiadomości: wpisz `size:>10MB`, zapisz potrzebne załączniki na dysku
   sieciowym i usuń wiadomości.
3. Włącz archiwum: **Plik → Narzędzia → Oczyszczanie skrzynki pocztowej**.

Jeśli potrzebujesz większej skrzynki, zgłoś to — zgodę daje partner zarządzający.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Skanowanie do e-maila z urządzenia wielofunkcyjnego",
        category="scanners",
        tags=("skaner", "skanowanie", "e-mail"),
        owner="agent1",
        views=13,
        body="""\
1. Połóż dokumenty w podajniku tekstem do góry.
2. Na ekranie urządzenia wybierz **Skanuj → E-mail** i znajdź siebie w książce adresowej
   (nie wpisuj adresu ręcznie).
3. Dla wielu stron wybierz **PDF, 200 dpi** — duże pliki (powyżej 10 MB) nie dochodzą.
4. Naciśnij **Start**.

Jeśli wiadomość nie przychodzi w ciągu 5 minut, sprawdź folder **Wiadomości-śmieci**, a potem
zgłoś problem z numerem błędu z ekranu urządzenia.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Nikt mnie nie słyszy w Teams",
        category="meetings",
        tags=("teams", "mikrofon", "dźwięk"),
        owner="agent1",
        views=8,
        body="""\
1. Sprawdź przycisk wyciszenia na słuchawkach i w spotkaniu.
2. W Teams: **Ustawienia → Urządzenia** — wybierz słuchawki jako głośnik i mikrofon.
3. W Windows: **Ustawienia → Prywatność i zabezpieczenia → Mikrofon** — zezwól aplikacjom
   klasycznym na dostęp.
4. Podłącz słuchawki do innego portu USB i dołącz do spotkania ponownie.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Podejrzana wiadomość — jak zgłosić phishing",
        category="security",
        tags=("phishing", "bezpieczeństwo", "poczta"),
        owner="lead",
        views=10,
        body="""\
Typowe oznaki: pośpiech („konto zostanie zablokowane dzisiaj”), adres nadawcy podobny do
znanego, link do strony logowania, nieoczekiwana faktura lub archiwum ZIP.

1. **Nie** klikaj linków i nie otwieraj załączników.
2. W Outlooku zaznacz wiadomość → **Zgłoś → Zgłoś wyłudzanie informacji**.
3. Jeśli już wpisałeś hasło — zmień je od razu i zadzwoń do nas.

Dla kancelarii szczególnie groźne są fałszywe wiadomości „z sądu” i „od klienta” ze zmianą
numeru konta — zawsze potwierdź je telefonicznie.
""",
    ),
    ArticleSpec(
        language="pl",
        title="System informacji prawnej: instalacja na nowym laptopie",
        category="software",
        tags=("system informacji prawnej", "licencja", "instalacja"),
        owner="agent1",
        visibility="organizations",
        organization="nowak",
        views=5,
        body="""\
Dla pracowników kancelarii Nowak i Wspólnicy.

1. Zgłoś prośbę o instalację i podaj nazwę laptopa (naklejka na spodzie).
2. Liczba stanowisk w licencji jest ograniczona: jeśli wszystkie są zajęte, zamawiamy dodatkowy
   klucz u dostawcy — trwa to zwykle 2–3 dni robocze.
3. Po instalacji zaloguj się kontem kancelarii; aktualizacje pobierają się same co tydzień.

Przed odejściem pracownika zgłoś zwolnienie stanowiska — licencja wróci do puli.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Dostęp do dysku sieciowego (NAS)",
        category="files",
        tags=("dysk sieciowy", "nas", "dostęp"),
        owner="engineer",
        views=7,
        body="""\
Dysk kancelarii jest podłączony jako `K:`. Jeśli go nie widzisz:

1. Sprawdź, czy jesteś w sieci biura albo połączony przez VPN.
2. Otwórz Eksplorator plików i wpisz w pasku adresu:

   ```
   \\\\np-nas\\kancelaria
   ```

3. Jeśli pojawia się „Brak dostępu”, zgłoś prośbę o dostęp — zgodę daje partner
   zarządzający.

Kopie zapasowe dysku wykonujemy co noc; usunięte pliki można odzyskać do 30 dni wstecz.
""",
    ),
    ArticleSpec(
        language="pl",
        title="L1: weryfikacja tożsamości przed resetem hasła",
        category="procedures",
        tags=("hasło", "l1", "bezpieczeństwo"),
        owner="agent1",
        visibility="internal",
        views=4,
        body="""\
Hasła nie resetujemy na podstawie samego telefonu lub e-maila.

1. Oddzwoń na numer z karty kontaktu klienta (nie na numer, z którego dzwoni osoba).
2. Zadaj pytanie kontrolne: stanowisko i przełożony z karty kontaktu.
3. Hasło tymczasowe wyślij SMS-em na numer z karty; nigdy e-mailem.
4. Zaznacz w zgłoszeniu notatką wewnętrzną, jak zweryfikowano tożsamość.

Jeśli prosi ktoś w imieniu innej osoby — potrzebna zgoda osoby kontaktowej klienta.
""",
    ),
    ArticleSpec(
        language="pl",
        title="Stary klient VPN (Cisco AnyConnect 4.x)",
        category="vpn",
        tags=("vpn",),
        owner="engineer",
        status="archived",
        body="""\
Archiwalny artykuł: stary klient VPN nie jest już używany. Zobacz artykuł „VPN rozłącza się co
kilka minut” i instrukcję połączenia z biurem.
""",
    ),
)

ARTICLES = ARTICLES_EN + ARTICLES_RU + ARTICLES_UK + ARTICLES_PL


def build_knowledge_base(
    *, users: dict[str, User], organizations: dict[str, Organization], now: datetime
) -> int:
    """Create the demo knowledge base (after the demo tickets); returns how many articles."""
    actors = {name: actor_for_user(user) for name, user in users.items()}
    manager = actors["manager"]
    categories: dict[str, KbCategory] = {}
    for position, category in enumerate(KB_CATEGORIES):
        categories[category.key] = kb_services.create_category(
            actor=manager,
            name=category.name,
            parent_id=categories[category.parent].pk if category.parent else None,
            position=position,
        )
    subjects = {spec.source_ticket for spec in ARTICLES} | {
        spec.related_ticket for spec in ARTICLES
    }
    numbers = dict(
        Ticket.objects.filter(subject__in=subjects - {""}).values_list("subject", "number")
    )
    for spec in ARTICLES:
        _build_article(
            spec,
            actors=actors,
            categories=categories,
            organizations=organizations,
            numbers=numbers,
            now=now,
        )
    return len(ARTICLES)


def _build_article(
    spec: ArticleSpec,
    *,
    actors: dict[str, Actor],
    categories: dict[str, KbCategory],
    organizations: dict[str, Organization],
    numbers: dict[str, int],
    now: datetime,
) -> None:
    owner = actors[spec.owner]
    archived = spec.status == "archived"
    article = kb_services.create_article(
        actor=owner,
        title=spec.title,
        body=spec.body,
        language=spec.language,
        visibility=spec.visibility,
        status="published" if archived else spec.status,
        category_id=categories[spec.category].pk,
        tags=spec.tags,
        organization_ids=[organizations[spec.organization].pk] if spec.organization else (),
        source_ticket_number=numbers[spec.source_ticket] if spec.source_ticket else None,
    )
    if spec.reviewed_days_ago is not None or spec.views:
        long_ago = (
            now - timedelta(days=spec.reviewed_days_ago)
            if spec.reviewed_days_ago is not None
            else None
        )
        kb_services.set_article_history(
            actor=actors["manager"],
            article_id=article.pk,
            published_at=long_ago,
            reviewed_at=long_ago,
            view_count=spec.views,
        )
    if spec.related_ticket:
        kb_services.link_article_to_ticket(
            actor=owner,
            article_id=article.pk,
            number=numbers[spec.related_ticket],
            kind=LinkKind.USED_IN_REPLY,
        )
    voters = [name for name in VOTERS if _may_read(spec, name)]
    for name, mark in zip(voters, spec.votes, strict=False):
        kb_services.vote(actor=actors[name], article_id=article.pk, helpful=mark == "+")
    if archived:
        kb_services.set_article_status(actor=owner, article_id=article.pk, status="archived")


_ORGANIZATION_OF = {person.username: person.organization for person in PEOPLE}


def _may_read(spec: ArticleSpec, name: str) -> bool:
    if spec.visibility == "public":
        return True
    return spec.visibility == "organizations" and _ORGANIZATION_OF[name] == spec.organization
