"""Word copies (.docx, python-docx) of the official documents: tờ trình, đề án, danh mục
(phụ lục), biên bản thẩm định and báo cáo định kỳ, for staff to adjust wording before
the document goes for signature.

Each copy is made from the story (paragraphs and tables) the PDF writer builds, caught
by ``official_pdf.capture_stories``, so the content is one; the page follows ND 30/2020
(A4, the same margins, Times New Roman at the same sizes, header table, Nơi nhận).

May import: ``reports.common`` and the other ``reports`` packages' PDF writers,
``services``, ``kcdesk.models``, python-docx. No Qt.
"""
