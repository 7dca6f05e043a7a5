package dev.aegis.demodata;

/** What the NOTICE needs to know about an icon set. */
public record SetInfo(String prefix, String name, String licenceSpdx, String licenceTitle, String licenceUrl,
                      String author, String authorUrl, boolean palette) {

    static SetInfo of(IconSet s) {
        return new SetInfo(s.prefix(), s.name(), s.licenceSpdx(), s.licenceTitle(), s.licenceUrl(), s.author(),
                s.authorUrl(), s.palette());
    }
}
