"""The assistant end to end: action server and Rasa on free ports, REST channel, four languages."""
import uuid

import httpx
import pytest
from answers import expected, joined

from bot.i18n import phrase
from bot.language import load_config
from bot.stack import Stack, send

pytestmark = [pytest.mark.model, pytest.mark.e2e]
SHIPPED = load_config().shipped
TIER1 = load_config().tier1  # the dictionaries below; tests/test_e2e_languages.py has the others


GREETINGS = {"en": "hello there", "nb": "hei hei, er det noen her?", "da": "hej, er der nogen?", "sv": "hej, är det någon där?"}
SHELTER = {
    "en": "I have nowhere to sleep tonight, can you help me find a place",
    "nb": "jeg har ikke noe sted å sove i natt, kan du hjelpe meg",
    "da": "jeg har ikke noget sted at sove i nat, kan du hjælpe mig",
    "sv": "jag har ingenstans att sova i natt, kan du hjälpa mig",
}
TOWNS = {"en": "Bergen", "nb": "Trondheim", "da": "Aarhus", "sv": "Göteborg"}
# utter_emergency's variations: Norway, Denmark, Sweden, then the one for an unknown country
EMERGENCY_VARIANT = {"en": 0, "nb": 0, "da": 1, "sv": 2}
DANGER = {"en": "he is going to kill me", "nb": "han skal drepe meg", "da": "han vil dræbe mig", "sv": "han ska döda mig"}


@pytest.mark.parametrize("language", TIER1)
def test_conversation_in_each_language(talk, language):
    greeting = talk(GREETINGS[language], language_code=language)
    assert greeting[0]["text"] == expected("utter_greet", language)
    assert len(greeting[0]["buttons"]) == 4

    shelter = talk(SHELTER[language], language_code=language)
    assert shelter[0]["text"] == expected("utter_find_shelter", language)
    if language == "en":  # English is written from all three countries: ask where
        assert shelter[1]["text"] == phrase(language, "ask_place")
    else:  # Norwegian, Danish, Swedish: the country's help at once, and the town brings nearer help
        assert "•" in shelter[1]["text"] and phrase(language, "place_unknown_hint") in shelter[1]["text"]
    town = joined(talk(TOWNS[language], language_code=language))
    assert TOWNS[language] in town and "•" in town and phrase(language, "place_unknown_hint") not in town

    danger = talk(DANGER[language], language_code=language)
    assert danger[0]["text"] == expected("utter_emergency", language, EMERGENCY_VARIANT[language])
    assert danger[0]["text"].index("112") < 60


def test_country_changes_the_emergency_numbers(talk):
    talk("we are in denmark", language_code="en")
    danger = talk("they are hitting me", language_code="en")
    assert danger[0]["text"] == expected("utter_emergency", "en", index=1)
    assert "+45 70 20 25 50" in danger[0]["text"]


def test_switching_language_mid_conversation(talk):
    assert talk("hello", language_code="en-GB")[0]["text"] == expected("utter_greet", "en")
    switched = talk("kan vi snakke norsk?", language_code="en-GB")
    assert switched[0]["text"] == expected("utter_language_choice", "nb", index=0)
    # the choice sticks although the app still says English
    assert talk("what is human trafficking", language_code="en-GB")[0]["text"] == \
        expected("utter_what_is_trafficking", "nb")


def test_language_button_and_unavailable_language(talk):
    unavailable = talk("can we speak german?", language_code="en")
    assert "German" in unavailable[0]["text"]
    payloads = [b["payload"] for b in unavailable[0]["buttons"]]
    assert talk(payloads[SHIPPED.index("da")])[0]["text"] == expected("utter_language_choice", "da", index=0)


def test_norwegian_app_language_code_no_is_understood(talk):
    assert talk("hei", language_code="no")[0]["text"] == expected("utter_greet", "nb")


def test_emergency_without_the_action_server():
    with Stack(with_actions=False) as bare, httpx.Client() as client:
        answer = send(client, bare.webhook, uuid.uuid4().hex, "jag är inlåst, hjälp mig nu", "sv")
    assert answer[0]["text"] == expected("utter_emergency", "sv")


BERGEN = {
    "en": "I'm in Bergen and need somewhere safe to sleep",
    "nb": "jeg er i Bergen og trenger et trygt sted å sove",
    "da": "jeg er i Bergen og har brug for et sikkert sted at sove",
    "sv": "jag är i Bergen och behöver ett tryggt ställe att sova",
}


@pytest.mark.parametrize("language", TIER1)
def test_bergen_shelter_in_one_message(talk, language):
    answer = talk(BERGEN[language], language_code=language)
    assert answer[0]["text"] == expected("utter_find_shelter", language)
    rest = joined(answer[1:])
    assert "Bergen" in rest and "•" in rest and "22 33 11 60" in rest


def test_terminal_chat_talks_to_the_stack(e2e_stack, capsys):
    from bot.cli.chat import converse

    converse(e2e_stack.webhook, "da", lines=iter(["hej", "2", "/stop", "never sent"]))
    printed = capsys.readouterr().out
    assert expected("utter_greet", "da").split(".")[0] in printed
    assert expected("utter_rights_overview", "da").split(",")[0] in printed


def test_forget_me_erases_the_conversation(talk):
    talk("we are in denmark", language_code="en")
    forgot = talk("please delete this whole conversation", language_code="en")
    assert forgot[0]["text"] == expected("utter_forget_done", "en")
    assert any(m.get("custom") == {"erase_chat": True} for m in forgot), "the gateway is told to delete the chat"
    danger = talk("he is going to kill me", language_code="en")
    assert danger[0]["text"] == expected("utter_emergency", "en"), "the country was forgotten with everything else"


def test_self_check_in_the_chat(talk):
    start = talk("är jag ett offer för människohandel?", language_code="sv")
    assert start[0]["text"] == expected("utter_self_check", "sv")
    assert start[1]["buttons"][0] == {"title": phrase("sv", "button_self_check"), "payload": "/self_check_start"}
    first = talk("/self_check_start")
    assert first[0]["text"] == phrase("sv", "ask_sc_deception") and len(first[0]["buttons"]) == 4
    for _ in range(7):
        talk("/deny")
    result = joined(talk("/affirm"))  # Swedish: Sweden's help at once; the town brings nearer help
    assert phrase("sv", "sc_sign_conditions") in result and phrase("sv", "place_unknown_hint") in result
    nearer = joined(talk("Malmö"))
    assert "Malmö" in nearer and phrase("sv", "sc_sign_conditions") not in nearer


def test_no_message_text_or_slot_value_in_the_logs(e2e_stack, talk):
    secrets = ["Zorana Petrovska", "Storgata 17", "somewhere safe to sleep"]
    talk(f"my name is {secrets[0]} and I live in {secrets[1]}", language_code="en")
    talk(f"I'm in Bergen and need {secrets[2]}", language_code="en")
    logs = "".join(path.read_text(encoding="utf-8", errors="replace") for path in e2e_stack.log_dir.glob("*.log"))
    assert logs, "the servers wrote logs"
    for secret in [*secrets, "4601"]:
        assert secret not in logs


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_message_gets_a_kind_answer(talk, text):
    answer = talk(text, language_code="nb")
    assert answer and answer[0]["text"] == expected("utter_fallback", "nb")


# Acute danger as people describe it (intents/README.md): danger to someone else now,
# a child held, a medical emergency at work — the emergency numbers come first.
ACUTE_STORIES = {
    "en": ["my friend in the next room is screaming, two men are hitting her, what do i do",
           "there is a girl maybe 12 locked in the back of the van outside the shop, she is crying",
           "my colleague cut his hand on the machine, lots of blood, the boss wont call a doctor"],
    "nb": ["venninna mi ligger på gulvet og to menn sparker henne nå, hva gjør jeg",
           "det sitter en liten gutt innelåst i bilen utenfor butikken og han gråter",
           "kollegaen min skar seg på maskinen, det blør masse og sjefen vil ikke ringe lege"],
    "da": ["min veninde skriger i værelset ved siden af, to mænd slår hende lige nu",
           "der sidder en lille pige låst inde i varevognen uden for butikken og græder",
           "min kollega skar sig på maskinen, det bløder voldsomt og chefen vil ikke ringe efter en ambulance"],
    "sv": ["min väninna skriker i rummet bredvid, två män slår henne just nu, vad gör jag",
           "en liten flicka sitter inlåst i skåpbilen utanför affären och gråter",
           "min kollega skar sig på maskinen, det blöder mycket och chefen vill inte ringa ambulans"],
    "ro": ["prietena mea e in camera de alaturi si doi barbati o bat chiar acum, ce sa fac",
           "e o fetita de vreo 10 ani incuiata in duba din fata magazinului si plange",
           "colegul meu s-a taiat la masina, curge mult sange si seful nu vrea sa cheme salvarea"],
    "uk": ["подруга в сусідній кімнаті кричить, двоє чоловіків її б'ють просто зараз, що робити",
           "у фургоні біля магазину замкнена маленька дівчинка років 10, вона плаче",
           "колега порізався на верстаті, дуже багато крові, а начальник не хоче викликати швидку"],
    "ru": ["подруга в соседней комнате кричит, двое мужчин бьют её прямо сейчас, что делать",
           "в фургоне у магазина заперта маленькая девочка лет 10, она плачет",
           "коллега порезался на станке, очень много крови, а начальник не хочет вызывать скорую"],
    "th": ["เพื่อนอยู่ห้องข้างๆ กำลังกรีดร้อง ผู้ชายสองคนกำลังตีเธออยู่ตอนนี้ ทำยังไงดี",
           "มีเด็กผู้หญิงอายุประมาณ 10 ขวบถูกขังอยู่ในรถตู้หน้าร้าน เธอร้องไห้อยู่",
           "เพื่อนร่วมงานโดนเครื่องจักรบาดมือ เลือดออกเยอะมาก แต่นายจ้างไม่ยอมเรียกรถพยาบาล"],
    "fa": ["دوستم تو اتاق بغلی جیغ میزنه، دو تا مرد همین الان دارن میزننش، چیکار کنم",
           "یه دختر کوچیک حدود 10 ساله تو ون جلوی مغازه زندانیه و گریه میکنه",
           "همکارم دستش رو با دستگاه بریده، خیلی خون میاد و رئیس نمیذاره آمبولانس بیاد"],
    "ar": ["صديقتي في الغرفة المجاورة تصرخ، ورجلان يضربانها الآن، ماذا أفعل؟", "هناك طفلة صغيرة عمرها حوالي 10 سنوات محبوسة في الفان أمام المحل وهي تبكي", "زميلي جرح يده في الآلة والدم ينزف كثيرا، والمدير يرفض أن يتصل بالإسعاف"],
    "es": ["Mi amiga está gritando en la habitación de al lado, dos hombres le están pegando ahora mismo, ¿qué hago?", "Hay una niña pequeña de unos 10 años encerrada en la furgoneta delante de la tienda y está llorando", "Mi compañero se cortó la mano con la máquina, sale mucha sangre y el jefe no quiere llamar a una ambulancia"],
    "vi": ["Bạn tôi đang la hét ở phòng bên cạnh, hai người đàn ông đang đánh cô ấy ngay bây giờ, tôi phải làm gì?", "Có một bé gái khoảng 10 tuổi bị nhốt trong xe tải nhỏ trước cửa hàng và đang khóc", "Đồng nghiệp của tôi bị máy cắt vào tay, chảy rất nhiều máu, ông chủ không chịu gọi xe cấp cứu"],
    "ti": ["መሓዛይ ኣብቲ ጎድና ዘሎ ክፍሊ ትጭድር ኣላ፡ ክልተ ሰብኡት ሕጂ ይወቕዕዋ ኣለዉ፡ እንታይ ክገብር?", "ዕድሚኣ ኣስታት 10 ዓመት ዝኾነ ንእሽቶ ጓል ኣብ ውሽጢ እታ ኣብ ቅድሚ ድኳን ዘላ ቫን ተዓጽያ ኣላ፡ ትበኪ ኣላ", "መሳርሕተይ ኢዱ ብማሽን ተቖሪጹ፡ ብዙሕ ደም ይፈስስ ኣሎ፡ እቲ ሓላፊ ኣምቡላንስ ክጽውዕ ኣይደለየን"],
    "pl": ["moja koleżanka krzyczy w pokoju obok, dwóch facetów ją teraz bije, co mam robić", "w busie przed sklepem jest zamknięta mała dziewczynka, ma może 10 lat i płacze", "kolega przeciął sobie rękę na maszynie, bardzo dużo krwi, a szef nie chce wezwać karetki"],
    "bg": ["приятелката ми крещи в съседната стая, двама мъже я бият точно сега, какво да правя", "в буса пред магазина е заключено малко момиченце, около 10 години, и плаче", "колегата си поряза ръката на машината, тече много кръв, а шефът не иска да извика линейка"],
    "fr": ["mon amie crie dans la chambre à côté, deux hommes la frappent en ce moment, qu'est-ce que je fais", "il y a une petite fille d'environ 10 ans enfermée dans la camionnette devant le magasin, elle pleure", "mon collègue s'est coupé la main sur la machine, il saigne beaucoup et le patron refuse d'appeler une ambulance"],
    "lt": ["mano draugė rėkia kitame kambaryje, du vyrai ją muša dabar, ką daryti", "prie parduotuvės mikroautobuse užrakinta maža mergaitė, gal 10 metų, ji verkia", "kolega įsipjovė ranką prie staklių, labai daug kraujo, o šefas nenori kviesti greitosios"],
    "tr": ["arkadaşım yan odada bağırıyor, iki adam şu anda onu dövüyor, ne yapayım", "dükkanın önündeki minibüste 10 yaşlarında küçük bir kız kilitli, ağlıyor", "iş arkadaşım elini makinede kesti, çok kan var ve patron ambulans çağırmıyor"],
}


@pytest.mark.parametrize(("language", "kind"), [(lang, kind) for lang in SHIPPED for kind in range(3)],
                         ids=[f"{lang}-{k}" for lang in SHIPPED for k in ("someone_else", "child", "medical")])
def test_acute_danger_as_people_describe_it(talk, language, kind):
    answer = talk(ACUTE_STORIES[language][kind], language_code=language)
    assert answer[0]["text"] == expected("utter_emergency", language)
