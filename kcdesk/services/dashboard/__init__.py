"""The programme dashboard (theo dõi thực hiện chương trình): figures per target, money by
source, the proposals behind a number, the periodic report's figures.

May import: ``services.core``, ``services.security``, ``services.programmes``,
``services.proposals``, ``services.implementation``, ``kcdesk.models``.
"""
