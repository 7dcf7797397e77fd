"""FEEL parser: recursive descent from text to the AST of an expression or of unary tests.

`Parser(text).expression()` parses an expression (input expressions, output entries, literal expressions);
`Parser(text).unary_tests()` parses input entries: `< 5`, `[1..5]`, `]1..5[`, `"a","b"`, `not(...)`,
`null`, plain values, and expressions using `?` (the input value).

Cells are FEEL only. What this subset does not implement (`for`, `some`, `every`, `function`, `instance of`,
named arguments, ...) is a FeelUnsupported at parse time, never a wrong answer at run time.
"""
from __future__ import annotations

from decimal import Decimal

from .feel_errors import FeelSyntaxError, FeelUnsupported
from .feel_lexer import KEYWORDS, tokenize, unescape
from .feel_nodes import (And, Arith, Between, Call, Cmp, CmpTest, ContextLit, ExprTest, Filter, If, In, InputRef,
                         ListLit, Lit, Name, Neg, Node, NotTest, Or, Path, RangeTest)
from .values import kind


class Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self, ahead: int = 0):
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self):
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def at(self, kind: str, value: str | None = None, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok[0] == kind and (value is None or tok[1] == value)

    def accept(self, kind: str, value: str | None = None) -> bool:
        if self.at(kind, value):
            self.next()
            return True
        return False

    def expect(self, kind: str, value: str | None = None):
        if not self.at(kind, value):
            self.fail(f"expected {value or kind}")
        return self.next()

    def fail(self, message: str):
        kind_, value, pos = self.peek()
        found = "end of text" if kind_ == "eof" else repr(value)
        raise FeelSyntaxError(f"{message} but found {found} at position {pos + 1}")

    def keyword(self, word: str) -> bool:
        return self.accept("name", word)

    def end(self):
        if not self.at("eof"):
            self.fail("expected end of text")

    # expressions ------------------------------------------------
    def expression(self) -> Node:
        left = self.conjunction()
        while self.keyword("or"):
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Node:
        left = self.comparison()
        while self.keyword("and"):
            left = And(left, self.comparison())
        return left

    def comparison(self) -> Node:
        left = self.additive()
        if self.at("name", "instance") and self.at("name", "of", 1):
            self.unsupported("'instance of' is not supported")
        kind_, value, _ = self.peek()
        if kind_ == "op" and value in ("=", "!=", "<", "<=", ">", ">="):
            self.next()
            return Cmp(value, left, self.additive())
        if self.keyword("between"):
            low = self.additive()
            self.expect("name", "and")
            return Between(left, low, self.additive())
        if self.keyword("in"):
            if self.accept("op", "("):
                tests = self.positive_tests()
                self.expect("op", ")")
                return In(left, tests)
            return In(left, [self.positive_test()])
        return left

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.at("op", "+") or self.at("op", "-"):
            left = Arith(self.next()[1], left, self.multiplicative())
        return left

    def multiplicative(self) -> Node:
        left = self.power()
        while self.at("op", "*") or self.at("op", "/"):
            left = Arith(self.next()[1], left, self.power())
        return left

    def power(self) -> Node:
        left = self.unary()
        while self.accept("op", "**"):
            left = Arith("**", left, self.unary())
        return left

    def unary(self) -> Node:
        if self.accept("op", "-"):
            return Neg(self.unary())
        node = self.primary()
        while True:
            if self.accept("op", "."):
                words = [self.expect("name")[1]]
                while self.at("name") and self.peek()[1] not in KEYWORDS:
                    words.append(self.next()[1])
                node = Path(node, " ".join(words))
            elif self.at("op", "["):
                filtered = self.filter(node)
                if filtered is None:
                    return node
                node = filtered
            else:
                return node

    def filter(self, base: Node) -> Node | None:
        """`base[...]`; None (and nothing consumed) when the bracket is not a filter: `]1..x[` closes a
        range with `[`."""
        start = self.i
        self.next()
        try:
            condition = self.expression()
            self.expect("op", "]")
        except FeelUnsupported:
            raise
        except FeelSyntaxError:
            self.i = start
            return None
        literal = condition.operand if isinstance(condition, Neg) else condition
        if isinstance(literal, Lit) and kind(literal.value) == "number" and literal.value == 0:
            raise FeelUnsupported(f"index [0] at position {self.tokens[start][2] + 1}: FEEL lists count from 1, "
                                  "so [0] is always null (the first item is [1], the last [-1])")
        return Filter(base, condition)

    def unsupported(self, message: str):
        raise FeelUnsupported(f"{message} by this engine (position {self.peek()[2] + 1})")

    def primary(self) -> Node:
        kind_, value, _ = self.peek()
        if kind_ == "num":
            self.next()
            return Lit(Decimal(value))
        if kind_ == "str":
            self.next()
            return Lit(unescape(value[1:-1]))
        if kind_ == "op" and value == "?":
            self.next()
            return InputRef()
        if self.accept("op", "("):
            node = self.expression()
            self.expect("op", ")")
            return node
        if self.accept("op", "["):
            items = [] if self.at("op", "]") else self.comma_list(self.expression)
            self.expect("op", "]")
            return ListLit(items)
        if self.accept("op", "{"):
            return self.context_literal()
        if kind_ == "name":
            literals = {"true": True, "false": False, "null": None}
            if value in literals:
                self.next()
                return Lit(literals[value])
            if value == "if":
                self.next()
                cond = self.expression()
                self.expect("name", "then")
                then = self.expression()
                self.expect("name", "else")
                return If(cond, then, self.expression())
            if value == "not" and self.at("op", "(", 1):
                self.next()
                return Call("not", self.arguments())
            if value in ("for", "some", "every"):
                self.unsupported(f"FEEL '{value}' expressions are not supported")
            if value == "function":
                self.unsupported("FEEL function definitions are not supported")
            if value not in KEYWORDS:
                words = [self.next()[1]]
                while self.at("name") and self.peek()[1] not in KEYWORDS:
                    words.append(self.next()[1])
                name = " ".join(words)
                return Call(name, self.arguments()) if self.at("op", "(") else Name(name)
        self.fail("expected a value")

    def arguments(self) -> list[Node]:
        self.expect("op", "(")
        if self.at("name") and self.at("op", ":", 1):
            self.unsupported("named arguments are not supported")
        args = [] if self.at("op", ")") else self.comma_list(self.expression)
        self.expect("op", ")")
        return args

    def context_literal(self) -> Node:
        entries = []
        while not self.accept("op", "}"):
            if entries:
                self.expect("op", ",")
            if self.at("str"):
                key = unescape(self.next()[1][1:-1])
            else:
                words = [self.expect("name")[1]]
                while self.at("name"):
                    words.append(self.next()[1])
                key = " ".join(words)
            self.expect("op", ":")
            entries.append((key, self.expression()))
        return ContextLit(entries)

    def comma_list(self, item) -> list:
        items = [item()]
        while self.accept("op", ","):
            items.append(item())
        return items

    # unary tests ------------------------------------------------
    def unary_tests(self) -> list[Node]:
        if self.at("name", "not") and self.at("op", "(", 1):
            start = self.i
            self.i += 2
            tests = self.positive_tests()
            if self.accept("op", ")") and self.at("eof"):
                return [NotTest(tests)]
            self.i = start
        tests = self.positive_tests()
        self.end()
        return tests

    def positive_tests(self) -> list[Node]:
        return self.comma_list(self.positive_test)

    def positive_test(self) -> Node:
        kind_, value, _ = self.peek()
        if kind_ == "op" and value in ("<", "<=", ">", ">=", "=", "!="):
            self.next()
            return CmpTest(value, self.additive())
        interval = self.interval()
        if interval is not None:
            return interval
        expr = self.expression()
        return ExprTest(expr, any(isinstance(n, InputRef) for n in expr.walk()))

    def interval(self) -> Node | None:
        if not (self.at("op", "[") or self.at("op", "(") or self.at("op", "]")):
            return None
        start = self.i
        low_closed = self.next()[1] == "["
        try:
            low = self.additive()
        except FeelSyntaxError:
            low = None
        if low is None or not self.accept("op", ".."):
            self.i = start
            return None
        high = self.additive()
        close = self.next()[1]
        if close not in ("]", ")", "["):
            self.i -= 1
            self.fail("expected ']', ')' or '[' to close the range")
        return RangeTest(low, low_closed, high, close == "]")
