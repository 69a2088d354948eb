from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class OutcomeBlock(blocks.StructBlock):
    metric = blocks.CharBlock(label=_("Kennzahl"), max_length=200)
    value = blocks.DecimalBlock(label=_("Wert"))
    unit = blocks.CharBlock(label=_("Einheit"), max_length=40, required=False)
    baseline = blocks.DecimalBlock(label=_("Ausgangswert"), required=False)

    class Meta:
        icon = "pick"
        label = _("Ergebnis in Zahlen")
        template = "solutions/blocks/outcome.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Zitat"))
    author = blocks.CharBlock(label=_("Wer sagt das?"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "solutions/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Bild"))
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "solutions/blocks/image.html"


class SolutionStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    steps = blocks.ListBlock(
        blocks.CharBlock(max_length=500), label=_("Schritte (nummeriert)"), template="solutions/blocks/steps.html"
    )
    quote = QuoteBlock()
    image = ImageBlock()
    document = DocumentChooserBlock(label=_("Dokument"), template="solutions/blocks/document.html")
    outcome = OutcomeBlock()
