"""The victims' languages end to end (tier 2): a need with a place, an emergency, a rights question, forget.

Every story is sent with Telegram's language code "en" — the app's interface
language, often English for the people we serve — so the answers must come
in the language the text shows.
"""

import pytest
from answers import expected, joined

from bot.i18n import phrase
from bot.language import load_config

pytestmark = [pytest.mark.model, pytest.mark.e2e]
TIER2 = [code for code in load_config().shipped if code in load_config().tier2]
SAFETY = [code for code in load_config().shipped if code in load_config().safety]

# (need, place as written in the language, the place's name in the directory)
NEED = {
    "ro": ("nu am unde sa dorm la noapte, ma poti ajuta sa gasesc un loc?", "sunt in Copenhaga", "København"),
    "uk": ("мені нема де ночувати сьогодні, допоможіть знайти місце", "я зараз у Бергені", "Bergen"),
    "ru": ("мне негде ночевать сегодня, помогите найти место", "я в Стокгольме", "Stockholm"),
    "th": ("คืนนี้ไม่มีที่นอนเลย ช่วยหาที่พักให้หน่อยได้ไหมคะ", "อยู่ที่ออสโลค่ะ", "Oslo"),
    "ar": ("ليس لدي مكان أنام فيه الليلة، هل يمكنك مساعدتي في إيجاد مكان؟", "أنا في ستوكهولم", "Stockholm"),
    "es": ("No tengo dónde dormir esta noche, ¿me puedes ayudar a encontrar un sitio?", "Estoy en Estocolmo", "Stockholm"),
    "vi": ("Tối nay tôi không có chỗ ngủ, bạn có thể giúp tôi tìm một chỗ không?", "Tôi đang ở Stockholm", "Stockholm"),
    "pl": ("nie mam gdzie spać dzisiaj w nocy, pomożesz mi znaleźć jakieś miejsce?", "jestem w Sztokholmie", "Stockholm"),
    "bg": ("нямам къде да спя тази нощ, можеш ли да ми помогнеш да намеря място?", "в Копенхаген съм", "København"),
    "fr": ("je n'ai nulle part où dormir ce soir, tu peux m'aider à trouver un endroit ?", "je suis à Copenhague", "København"),
    "lt": ("šiąnakt neturiu kur miegoti, gal galite padėti rasti vietą?", "esu Stokholme", "Stockholm"),
    "tr": ("bu gece kalacak yerim yok, bir yer bulmama yardım eder misiniz?", "Stokholm'de kalıyorum", "Stockholm"),
}
DANGER = {
    "ro": "ajutor, vrea sa ma omoare",
    "uk": "допоможіть, він хоче мене вбити",
    "ru": "помогите, он хочет меня убить",
    "th": "ช่วยด้วย เขาจะฆ่าฉัน",
    "ar": "ساعدوني، يريد أن يقتلني",
    "es": "Ayuda, me quiere matar",
    "vi": "Cứu tôi với, anh ta muốn giết tôi",
    "pl": "pomocy, on chce mnie zabić",
    "bg": "помощ, иска да ме убие",
    "fr": "au secours, il veut me tuer",
    "lt": "padėkit, jis nori mane nužudyti",
    "tr": "imdat, beni öldürmek istiyor",
}
RIGHTS = {  # rights_documents: the boss keeps the passport
    "ro": "seful mi-a luat pasaportul si nu vrea sa mi-l dea inapoi",
    "uk": "начальник забрав мій паспорт і не хоче віддавати",
    "ru": "начальник забрал мой паспорт и не отдаёт",
    "th": "นายจ้างยึดพาสปอร์ตของฉันไปและไม่ยอมคืนให้",
    "ar": "مديري أخذ جواز سفري ولا يريد أن يعيده لي",
    "es": "Mi jefe me quitó el pasaporte y no me lo quiere devolver",
    "vi": "Ông chủ tôi đã lấy hộ chiếu của tôi và không chịu trả lại",
    "pl": "szef zabrał mi paszport i nie chce mi go oddać",
    "bg": "шефът ми взе паспорта и не иска да ми го върне",
    "fr": "mon patron a pris mon passeport et ne veut pas me le rendre",
    "lt": "darbdavys paėmė mano pasą ir nenori grąžinti",
    "tr": "patronum pasaportumu aldı ve geri vermiyor",
}
FORGET = {
    "ro": "te rog sterge toata conversatia noastra",
    "uk": "будь ласка, видали всю нашу розмову",
    "ru": "пожалуйста, удали всю нашу переписку",
    "th": "ช่วยลบบทสนทนาทั้งหมดของเราด้วยค่ะ",
    "ar": "من فضلك احذف كل محادثتنا",
    "es": "Por favor, borra toda nuestra conversación",
    "vi": "Làm ơn xóa toàn bộ cuộc trò chuyện của chúng ta",
    "pl": "proszę, usuń całą naszą rozmowę",
    "bg": "моля те, изтрий целия ни разговор",
    "fr": "s'il te plaît, efface toute notre conversation",
    "lt": "prašau, ištrinkite visą mūsų pokalbį",
    "tr": "lütfen tüm konuşmamızı silin",
}


@pytest.fixture
def talk(talk):
    """The conftest conversation, always with Telegram's code "en"."""
    return lambda text: talk(text, language_code="en")


def test_every_tier2_language_has_stories():
    assert set(TIER2) <= set(NEED) & set(DANGER) & set(RIGHTS) & set(FORGET)


@pytest.mark.parametrize("language", TIER2)
def test_a_need_with_a_place(talk, language):
    need, place, name = NEED[language]
    first = talk(need)
    assert [m["text"] for m in first] == [expected("utter_find_shelter", language), phrase(language, "ask_place")]
    reply = talk(place)
    answer = joined(reply)
    assert name in answer and "•" in answer
    buttons = [button["title"] for message in reply for button in message.get("buttons") or []]
    assert phrase(language, "button_what_if_call") in buttons  # the details: one tap away


@pytest.mark.parametrize("language", TIER2)
def test_an_emergency(talk, language):
    answer = talk(DANGER[language])
    assert answer[0]["text"] == expected("utter_emergency", language)
    assert answer[0]["text"].index("112") < 120


@pytest.mark.parametrize("language", TIER2)
def test_a_rights_question(talk, language):
    answer = talk(RIGHTS[language])
    assert answer[0]["text"] == expected("utter_rights_documents", language)


@pytest.mark.parametrize("language", TIER2)
def test_forget(talk, language):
    talk(DANGER[language])
    forgot = talk(FORGET[language])
    assert forgot[0]["text"] == expected("utter_forget_done", language)
    assert any(m.get("custom") == {"erase_chat": True} for m in forgot)


# The safety tier: acute danger, help with the national lines, privacy and forget in the language;
# any other answer in English after a line in the language that says so.
SAFETY_STORIES = {
    "fa": {"danger": "کمک کنید، میخواد منو بکشه",
           "help": "کجا میتونم کمک بگیرم؟ کسی هست که کمکم کنه",
           "residence": "اگه به پولیس برم منو دیپورت میکنن؟",
           "forget": "لطفا همه صحبت‌های ما رو پاک کن"},
    "ti": {"danger": "ሓግዙኒ! ክቐትለኒ ይደሊ ኣሎ", "help": "ሓገዝ ካበይ ክረክብ እኽእል? ክሕግዘኒ ዝኽእል ሰብ ኣሎ ድዩ?", "residence": "ናብ ፖሊስ እንተ ኸይደ ናብ ሃገረይ ክመልሱኒ ድዮም?", "forget": "በጃኻ ኩሉ ዝርርብና ደምስሶ"},
}


def test_every_safety_language_has_stories():
    assert set(SAFETY) <= set(SAFETY_STORIES)


@pytest.mark.parametrize("language", SAFETY)
def test_safety_tier_emergency_help_and_forget_in_the_language(talk, language):
    story = SAFETY_STORIES[language]
    danger = talk(story["danger"])
    assert danger[0]["text"] == expected("utter_emergency", language)
    helped = talk(story["help"])
    assert helped[0]["text"] == expected("utter_find_help", language)
    forgot = talk(story["forget"])
    assert forgot[0]["text"] == expected("utter_forget_done", language)


@pytest.mark.parametrize("language", SAFETY)
def test_safety_tier_other_answers_come_in_english_saying_so(talk, language):
    answer = joined(talk(SAFETY_STORIES[language]["residence"]))
    note = phrase(language, "in_english_only")
    assert answer.startswith(note) and note != phrase("en", "in_english_only")
    assert expected("utter_rights_residence", "en")[:40] in answer
