package io.agentgate.common;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the API as application/problem+json (RFC 9457), one mapper per kind of error. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        if (e instanceof TooBusy busy) {
            return Response.fromResponse(e.toProblem().toResponse())
                    .header(HttpHeaders.RETRY_AFTER, busy.retryAfterSeconds()).build();
        }
        return e.toProblem().toResponse();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        return new InvalidRequest(errors).toProblem().toResponse();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        var at = e.getLocation();
        return Problem.of(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON"
                + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")).toResponse();
    }

    @ServerExceptionMapper
    public Response wrongJsonType(MismatchedInputException e) {
        return jsonMapping(e);
    }

    @ServerExceptionMapper
    public Response wrongJsonValue(InvalidFormatException e) {
        return jsonMapping(e);
    }

    @ServerExceptionMapper
    public Response jsonMapping(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        // never Java or Jackson class names: say what JSON was expected
        String message = e instanceof InvalidFormatException ife
                ? "cannot read " + quoted(ife.getValue()) + " as " + describe(ife.getTargetType())
                : e instanceof MismatchedInputException mie && mie.getTargetType() != null
                        ? "must be " + describe(mie.getTargetType())
                        : e instanceof UnrecognizedPropertyException
                                ? "is not a known field"
                                : "has a value that cannot be read here";
        if (field.isEmpty()) {
            return Problem.of(400, "malformed-json", "Malformed JSON", message).toResponse();
        }
        return new InvalidRequest(field, message).toProblem().toResponse();
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e) {
        // (a failed dashboard login never gets here: dashboard/FailedLogins answers it with the login form)
        return Response.fromResponse(Problem.of(401, "unauthorized", "Unauthorized",
                "Missing or invalid bearer token").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(403, "forbidden", "Forbidden", "This credential may not use this endpoint").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, jakarta.ws.rs.core.UriInfo uri) {
        if (e.getCause() instanceof JsonParseException parse) {
            return malformedJson(parse);
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            return jsonMapping(mapping);
        }
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            return internal(e);
        }
        Response.StatusType info = original.getStatusInfo();
        String title = info.getReasonPhrase() == null ? "Error" : info.getReasonPhrase();
        String detail = e.getMessage() == null || e.getMessage().startsWith("HTTP ") ? title : e.getMessage();
        if (status == 404 && detail.equals(title)) {
            // an unknown path, or a path parameter that is not of its type (an id that is not a UUID)
            detail = "Nothing at " + uri.getPath() + ": unknown path, or an id that is not a UUID";
        }
        Response.ResponseBuilder builder = Response.fromResponse(
                Problem.of(status, title.toLowerCase().replace(' ', '-'), title, detail).toResponse());
        return builder.build();
    }

    /**
     * A form body or URL with bad percent-encoding (the REST layer decodes it before any resource runs, so before a
     * form's CSRF check): Vert.x says "Failed to decode URL", the form reader of a {@code MultivaluedMap} "URLDecoder:".
     */
    @ServerExceptionMapper
    public Response badArgument(IllegalArgumentException e) {
        if (e.getMessage() != null && (e.getMessage().startsWith("Failed to decode URL")
                || e.getMessage().startsWith("URLDecoder:"))) {
            return Problem.of(400, "malformed-encoding", "Malformed encoding",
                    "The form or URL is not valid percent-encoding").toResponse();
        }
        return internal(e);
    }

    @ServerExceptionMapper
    public Response internal(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "unhandled error, incident %s", incident);
        return new Problem("/problems/internal", "Internal error", 500,
                "Something went wrong on our side; incident " + incident + " is in the server log", List.of(),
                Map.of("incident", incident)).toResponse();
    }

    private static String fieldOf(ConstraintViolation<?> v) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER
                    && node.getName().equals("body")) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                field.setLength(0);
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(node.getName());
            }
        }
        return field.toString();
    }

    /** A rejected value in quotes, cut to 100 characters: it is the client's text, of any length. */
    public static String quoted(Object value) {
        String text = String.valueOf(value);
        if (text.length() > 100) {
            int end = Character.isHighSurrogate(text.charAt(99)) ? 99 : 100;
            text = text.substring(0, end) + "…";
        }
        return "'" + text + "'";
    }

    /** A Java type in JSON words ("a number", "one of [LOW, HIGH]"), for messages that must name no class. */
    public static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class
                || UUID.class == type) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()
                || ArrayNode.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 time";
        }
        return "an object";
    }
}
