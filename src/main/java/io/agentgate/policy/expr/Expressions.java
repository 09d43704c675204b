package io.agentgate.policy.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * The one expression language of AgentGate: CEL (Common Expression Language), for declarative policies and
 * agents' approval rules.
 *
 * <p>Variables:
 * <ul>
 * <li>{@code action}: string, the requested action;</li>
 * <li>{@code context}: {@code map(string, dyn)}, the action's JSON context (objects are maps, arrays lists,
 * integers {@code int}, other numbers {@code double}, JSON null is {@code null});</li>
 * <li>{@code agent}: {@code map(string, dyn)} with {@code name}, {@code displayName}, {@code riskLevel}
 * ("LOW".."CRITICAL"), {@code capabilities} (map of bools: writeData, sendExternalMessages, executeCode,
 * financialTransactions), and, only when set, {@code maxTransactionAmount} (double) and
 * {@code allowedActions} (list of strings).</li>
 * </ul>
 * Numbers compare across int and double ({@code context.amount > 100} holds for 250 and 250.5). A key that may
 * be missing is guarded with {@code has(context.amount) && ...}; an unguarded missing key is an evaluation
 * error, which callers treat as a match (fail closed), never as "allowed". Expressions must be bool-typed:
 * that is checked at compile time.
 */
public final class Expressions {

    static final String ACTION = "action";
    static final String CONTEXT = "context";
    static final String AGENT = "agent";

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .maxExpressionCodePointSize(10_000)
            .comprehensionMaxIterations(10_000)
            .build();

    private static final MapType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar(ACTION, SimpleType.STRING)
            .addVar(CONTEXT, DYN_MAP)
            .addVar(AGENT, DYN_MAP)
            .setResultType(SimpleType.BOOL)
            .build();

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .build();

    private Expressions() {
    }

    /**
     * Parses and type-checks an expression once.
     *
     * @throws ExpressionException with the 1-based line and column of the first problem
     */
    public static CompiledExpression compile(String source) {
        if (source == null || source.isBlank()) {
            throw new ExpressionException(source, 1, 1, "expression is empty");
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = COMPILER.compile(source).getAst();
        } catch (CelValidationException e) {
            throw toExpressionException(source, e);
        }
        try {
            return new CompiledExpression(source, RUNTIME.createProgram(ast));
        } catch (CelEvaluationException e) {
            throw new ExpressionException(source, 1, 1, e.getMessage());
        }
    }

    private static ExpressionException toExpressionException(String source, CelValidationException e) {
        if (e.getErrors().isEmpty()) {
            return new ExpressionException(source, 0, 0, e.getMessage());
        }
        CelIssue first = e.getErrors().get(0);
        CelSourceLocation at = first.getSourceLocation();
        boolean known = at != null && at != CelSourceLocation.NONE && at.getLine() > 0;
        String detail = first.getMessage().replace(" (in container '')", "");
        // CEL columns are 0-based; people count from 1.
        return new ExpressionException(source, known ? at.getLine() : 0, known ? at.getColumn() + 1 : 0, detail);
    }
}
