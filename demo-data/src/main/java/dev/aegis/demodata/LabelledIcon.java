package dev.aegis.demodata;

/** An icon chosen for a class, with whether its set draws in colour. */
public record LabelledIcon(String label, Icon icon, boolean palette) {
}
