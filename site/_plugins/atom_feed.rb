# jekyll-feed (Debian's ruby-jekyll-feed) writes the feeds with the site's
# own template, _includes/atom.xml, instead of its stock one, whose titles
# go through smartify and strip_html (a title's "MLF" became ”MLF”, a <b>
# in it vanished) and whose content sits in CDATA, which a "]]>" in an
# attribute of a body ends. Ours writes titles as text and content escaped,
# through `xml_text`: characters XML 1.0 cannot hold become U+FFFD.
require "jekyll-feed"

module Newscrawler
  module OwnFeedTemplate
    private

    # As written: jekyll-feed's own minifying would also eat spaces the
    # template means (those after a "}").
    def feed_template
      own = @site.in_source_dir("_includes", "atom.xml")
      @feed_template ||= File.exist?(own) ? File.read(own) : super
    end
  end

  module XmlText
    NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/.freeze

    def xml_text(input)
      input.to_s.gsub(NOT_XML, "\uFFFD").encode(:xml => :text)
    end
  end
end

JekyllFeed::Generator.prepend(Newscrawler::OwnFeedTemplate)
Liquid::Template.register_filter(Newscrawler::XmlText)
