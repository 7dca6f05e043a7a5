package dev.aegis.adversarial.robustness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.stereotype.Service;
import org.springframework.util.IdGenerator;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.adversarial.attack.AttackInputValidator;
import dev.aegis.adversarial.attack.AttackInputValidator.Errors;
import dev.aegis.adversarial.attack.AttackRecord;
import dev.aegis.adversarial.attack.AttackService;
import dev.aegis.adversarial.attack.AttackStore;
import dev.aegis.adversarial.attack.InvalidAttackException;
import dev.aegis.adversarial.model.ActiveModelCatalog;
import dev.aegis.adversarial.robustness.ReportRecord.ImageRef;
import dev.aegis.events.AttackParameters;
import dev.aegis.support.problem.NotFoundException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Robustness reports: one ordinary attack per (image, epsilon), run by the workers like any other
 * attack, aggregated per epsilon when the report is read.
 */
@Service
public class RobustnessService {

    private static final Duration POLL = Duration.ofMillis(250);

    private final AttackService attacks;
    private final AttackStore attackStore;
    private final ReportStore reports;
    private final ActiveModelCatalog catalog;
    private final AdversarialProperties properties;
    private final AttackInputValidator validator;
    private final IdGenerator ids;

    public RobustnessService(AttackService attacks, AttackStore attackStore, ReportStore reports,
                             ActiveModelCatalog catalog, AdversarialProperties properties, IdGenerator ids) {
        this.ids = ids;
        this.attacks = attacks;
        this.attackStore = attackStore;
        this.reports = reports;
        this.catalog = catalog;
        this.properties = properties;
        this.validator = new AttackInputValidator(properties);
    }

    /** A validated report request. */
    record Plan(AttackParameters base, List<Double> epsilons, List<ImageRef> images, boolean explicitStepSize) {
    }

    Plan plan(Map<String, Object> fields) {
        Errors errors = new Errors();
        if (fields.get("targetLabel") != null) {
            errors.range("targetLabel", "robustness reports use untargeted attacks");
        }
        List<ImageRef> images = images(fields, errors);
        List<Double> epsilons = epsilons(fields.get("epsilons"), errors);
        AttackParameters base = null;
        try {
            Map<String, Object> single = new LinkedHashMap<>(fields);
            single.remove("targetLabel");
            single.put("epsilon", epsilons.isEmpty() ? 0.0 : epsilons.get(epsilons.size() - 1));
            base = validator.validate(new AttackInputValidator.RawInput(single, false), null);
        } catch (InvalidAttackException e) {
            e.errors().forEach((k, v) -> {
                if (e.malformed()) {
                    errors.type(k, v);
                } else {
                    errors.range(k, v);
                }
            });
        }
        errors.throwIfAny();
        return new Plan(base, epsilons, images, fields.get("stepSize") != null);
    }

    private List<ImageRef> images(Map<String, Object> fields, Errors errors) {
        List<ImageRef> images = new ArrayList<>();
        Object ids = fields.get("imageIds");
        Object refs = fields.get("images");
        if (ids == null && refs == null) {
            errors.type("imageIds", "is required: a list of your image ids (or 'images' with ids and labels)");
            return images;
        }
        if (ids != null) {
            if (!(ids instanceof List<?> list)) {
                errors.type("imageIds", "must be a list of image ids");
                return images;
            }
            for (Object id : list) {
                images.add(new ImageRef(imageId(id, errors), null));
            }
        }
        if (refs != null) {
            if (!(refs instanceof List<?> list)) {
                errors.type("images", "must be a list of {imageId, label}");
                return images;
            }
            for (Object ref : list) {
                if (!(ref instanceof Map<?, ?> m)) {
                    errors.type("images", "must be a list of {imageId, label}");
                    break;
                }
                Object label = m.get("label");
                if (label != null && !(label instanceof String)) {
                    errors.type("images", "label must be a string");
                }
                images.add(new ImageRef(imageId(m.get("imageId"), errors), label instanceof String s ? s : null));
            }
        }
        if (images.isEmpty()) {
            errors.range("imageIds", "must name at least one image");
        } else if (images.size() > properties.maxRobustnessImages()) {
            errors.range("imageIds", "at most " + properties.maxRobustnessImages() + " images per report");
        }
        return images;
    }

    private static String imageId(Object id, Errors errors) {
        try {
            return AttackInputValidator.imageId(id);
        } catch (InvalidAttackException e) {
            errors.type("imageIds", "contains " + id + ", which is not an image id");
            return null;
        }
    }

    private List<Double> epsilons(Object raw, Errors errors) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            errors.type("epsilons", "is required: a non-empty list of numbers between 0 and 1");
            return List.of();
        }
        LinkedHashSet<Double> values = new LinkedHashSet<>();
        for (Object value : list) {
            Double eps = AttackInputValidator.epsilon(value, false, "epsilons", errors);
            if (eps != null && eps >= 0 && eps <= 1) {
                values.add(eps);
            }
        }
        if (values.size() > properties.maxRobustnessEpsilons()) {
            errors.range("epsilons", "at most " + properties.maxRobustnessEpsilons() + " epsilons per report");
        }
        return values.stream().sorted().toList();
    }

    /** Checks labels and image ownership, records the report, then submits its attacks. */
    public Mono<ReportRecord> create(String userId, Map<String, Object> fields, String correlationId) {
        Plan plan = plan(fields);
        boolean labelled = plan.images().stream().anyMatch(i -> i.label() != null);
        Mono<Void> labels = !labelled ? Mono.empty() : catalog.active()
                .switchIfEmpty(Mono.error(AttackService.NoActiveModelException::new))
                .flatMap(model -> {
                    Errors errors = new Errors();
                    plan.images().stream().map(ImageRef::label).filter(Objects::nonNull)
                            .filter(l -> !model.labels().contains(l)).findFirst()
                            .ifPresent(l -> errors.range("images", "unknown label '" + l + "'; the active model knows "
                                    + model.labels()));
                    errors.throwIfAny();
                    return Mono.empty();
                });
        String reportId = ids.generateId().toString();
        String correlation = correlationId == null || correlationId.isBlank() ? reportId : correlationId;
        return labels.then(Flux.fromIterable(plan.images())
                        .concatMap(image -> attacks.imageKey(userId, image.imageId()).map(key -> Map.entry(image, key)))
                        .collectList())
                .flatMap(keyed -> reports.insert(new ReportRecord(reportId, userId, plan.base(), plan.epsilons(),
                                plan.images(), keyed.size() * plan.epsilons().size(), Instant.now()))
                        .flatMap(report -> Flux.fromIterable(keyed)
                                .concatMap(entry -> Flux.fromIterable(plan.epsilons())
                                        .concatMap(eps -> attacks.submit(userId, entry.getKey().imageId(),
                                                entry.getValue(), withEpsilon(plan.base(), eps, plan.explicitStepSize()), reportId,
                                                entry.getKey().label(), correlation)))
                                .then(Mono.just(report))));
    }

    private static AttackParameters withEpsilon(AttackParameters base, double eps, boolean explicitStepSize) {
        Double stepSize = base.stepSize();
        if (!explicitStepSize && stepSize != null && base.steps() != null) {
            // the default step size scales with epsilon, as for a single attack
            stepSize = Math.min(1.0, Math.max(2.5 * eps / base.steps(), 1e-6));
        }
        return new AttackParameters(base.method(), eps, base.steps(), stepSize, base.randomStart(), null);
    }

    public Mono<RobustnessReport> get(String userId, String id) {
        return reports.find(userId, id)
                .switchIfEmpty(Mono.error(() -> new NotFoundException("robustness report", id)))
                .flatMap(report -> attackStore.byReport(userId, id).collectList().map(list -> aggregate(report, list)));
    }

    /** The report once every attack finished, or as it is after {@code wait}. */
    public Mono<RobustnessReport> await(String userId, String id, Duration wait) {
        Duration bounded = wait.compareTo(properties.maxWait()) > 0 ? properties.maxWait() : wait;
        if (bounded.isZero() || bounded.isNegative()) {
            return get(userId, id);
        }
        return get(userId, id).flatMap(first -> first.status() == RobustnessReport.Status.DONE ? Mono.just(first)
                : Flux.interval(POLL).onBackpressureDrop().concatMap(t -> get(userId, id), 1)
                        .filter(r -> r.status() == RobustnessReport.Status.DONE)
                        .next()
                        .timeout(bounded, get(userId, id)));
    }

    static RobustnessReport aggregate(ReportRecord report, List<AttackRecord> attacks) {
        boolean declared = report.images().stream().allMatch(i -> i.label() != null);
        List<RobustnessReport.Point> points = new ArrayList<>();
        int finished = 0;
        for (double eps : report.epsilons()) {
            List<AttackRecord> at = attacks.stream().filter(a -> a.parameters().epsilon() == eps).toList();
            List<AttackRecord> done = at.stream().filter(a -> a.status() == AttackRecord.Status.DONE).toList();
            int failed = (int) at.stream().filter(a -> a.status() == AttackRecord.Status.FAILED).count();
            finished += done.size() + failed;
            Double accuracy = null;
            Double success = null;
            Double flagged = null;
            Double linf = null;
            Double l2 = null;
            if (!done.isEmpty()) {
                accuracy = done.stream().filter(a -> correct(a, declared)).count() / (double) done.size();
                success = done.stream().filter(a -> Boolean.TRUE.equals(a.success())).count() / (double) done.size();
                flagged = done.stream().filter(a -> a.detector() != null && a.detector().flagged()).count()
                        / (double) done.size();
                linf = done.stream().mapToDouble(a -> a.linf() == null ? 0 : a.linf()).average().orElse(0);
                l2 = done.stream().mapToDouble(a -> a.l2() == null ? 0 : a.l2()).average().orElse(0);
            }
            points.add(new RobustnessReport.Point(eps, at.size(), done.size(), failed, accuracy, success, flagged,
                    linf, l2));
        }
        RobustnessReport.Status status = finished >= report.attacks()
                ? RobustnessReport.Status.DONE : RobustnessReport.Status.RUNNING;
        AttackParameters p = report.parameters();
        return new RobustnessReport(report.id(), status, p.method(), p.steps(), p.stepSize(), p.randomStart(),
                report.images().size(), declared ? "declared-labels" : "clean-predictions", points, report.createdAt());
    }

    private static boolean correct(AttackRecord a, boolean declared) {
        if (a.adversarial() == null) {
            return false;
        }
        String reference = declared ? a.trueLabel() : (a.original() == null ? null : a.original().label());
        return a.adversarial().label().equals(reference);
    }
}
